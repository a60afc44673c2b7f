import type { ScopeInfo } from "@/lib/auth/scopes";

/** One Nextcloud scope per line: its title, name and plain explanation (changes are highlighted). */
export function ScopeItems({ scopes, testId }: { scopes: ScopeInfo[]; testId: string }) {
  return (
    <ul className="mt-2 space-y-2" data-testid={testId}>
      {scopes.map((s) => (
        <li key={s.name} className="rounded-lg border border-slate-200 px-3 py-2" data-scope={s.name}>
          <p className={`text-sm font-medium ${s.writes ? "text-amber-800" : ""}`}>
            {s.title} <code className="ml-1 text-xs text-slate-500">{s.name}</code>
          </p>
          <p className="text-sm text-slate-600">{s.explanation}</p>
        </li>
      ))}
    </ul>
  );
}

export const REVOKE_HINT =
  "You can revoke this access at any time: ask your AI client to run the revoke_nextcloud_access tool. " +
  "It withdraws the access at the identity provider and deletes what this server stored; nothing can use it afterwards.";
