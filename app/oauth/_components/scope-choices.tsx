import { appTitle, missingAppsFor } from "@/lib/mcp/tool-availability";
import type { ScopeChoice } from "@/lib/provisioning/provisioning-choices";

/**
 * The provisioning page's checkboxes (no JavaScript): a ticked box submits `scope=<name>`.
 * A needed scope is shown ticked and disabled (a disabled box submits nothing: the server
 * always adds needed scopes, lib/provisioning/provisioning-choices.ts).
 * A scope whose Nextcloud app is known to be missing (lib/mcp/tool-availability.ts) stays
 * grantable and says so: its tools appear once the admin enables the app.
 */
export function ScopeChoices({ choices, testId }: { choices: ScopeChoice[]; testId?: string }) {
  return (
    <ul className="mt-2 space-y-2" data-testid={testId}>
      {choices.map((s) => (
        <li key={s.name} className="rounded-lg border border-slate-200 px-3 py-2" data-scope={s.name} data-needed={s.needed ? "true" : "false"}>
          <label className="flex items-start gap-3">
            <input
              type="checkbox"
              name="scope"
              value={s.name}
              defaultChecked={s.ticked}
              disabled={s.needed}
              className="mt-1 h-4 w-4 shrink-0 accent-brand-600"
              aria-describedby={`scope-${s.name.replace(".", "-")}-text`}
            />
            <span>
              <span className={`text-sm font-medium ${s.writes ? "text-amber-800" : ""}`}>
                {s.title} <code className="ml-1 text-xs text-slate-500">{s.name}</code>
                {s.needed ? <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">needed</span> : null}
              </span>
              <span id={`scope-${s.name.replace(".", "-")}-text`} className="block text-sm text-slate-600">
                {s.explanation}
              </span>
              {missingAppsFor([s.name]).map((app) => (
                <span key={app} className="mt-1 block text-sm text-amber-800" data-testid="app-missing" data-app={app}>
                  Your Nextcloud does not have the {appTitle(app)} app enabled right now, so its tools are hidden. You can still grant this; they appear once
                  the admin enables the app.
                </span>
              ))}
            </span>
          </label>
        </li>
      ))}
    </ul>
  );
}
