/**
 * The consent page's choices: one group per Nextcloud app (read and write as
 * separate rows), then "about you and staying connected". Each row is a plain
 * checkbox `scope=<name>` inside its label, so the form works without
 * JavaScript and a click anywhere on the row toggles it. Scopes that change
 * data are highlighted, as in ScopeList (app/_components/scope-list.tsx).
 */
import type { ConsentOptions } from "@/lib/idp/consent-choices";

export function ScopeChoices({ options }: { options: ConsentOptions }) {
  return (
    <div className="mt-5 space-y-5">
      {options.groups.map((group) => (
        <fieldset key={group.key} data-testid={`scope-group-${group.key}`}>
          <legend className="font-semibold">{group.title}</legend>
          <ul className="mt-2 space-y-2">
            {group.choices.map(({ scope, ticked }) => (
              <li key={scope.name} data-scope={scope.name}>
                <label className="flex cursor-pointer gap-3 rounded-lg border border-slate-200 px-3 py-2 hover:bg-slate-50">
                  <input type="checkbox" name="scope" value={scope.name} defaultChecked={ticked} className="mt-1 h-4 w-4 shrink-0 accent-brand-600" />
                  <span>
                    <span className={`block text-sm font-medium ${scope.writes ? "text-amber-800" : ""}`}>
                      {scope.title} <code className="ml-1 text-xs text-slate-500">{scope.name}</code>
                    </span>
                    <span className="block text-sm text-slate-600">{scope.explanation}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ))}
      {options.required.length > 0 ? (
        <section data-testid="scope-group-required">
          <h2 className="font-semibold">Always included</h2>
          <ul className="mt-2 space-y-2">
            {options.required.map((scope) => (
              <li key={scope.name} data-scope={scope.name} className="rounded-lg border border-slate-200 px-3 py-2">
                <p className="text-sm font-medium">
                  {scope.title} <code className="ml-1 text-xs text-slate-500">{scope.name}</code>
                </p>
                <p className="text-sm text-slate-600">{scope.explanation} Signing in needs it.</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
