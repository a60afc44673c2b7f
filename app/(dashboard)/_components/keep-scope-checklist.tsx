import type { ScopeInfo } from "@/lib/auth/scopes";

/**
 * The scopes something holds now, each a ticked checkbox named `scope`: the
 * person unticks what should go (narrowing a client on Connections, or this
 * server's Nextcloud grant). Posting the form keeps exactly the ticked ones.
 */
export function KeepScopeChecklist({ scopes }: { scopes: readonly ScopeInfo[] }) {
  return (
    <ul className="mt-2 space-y-2">
      {scopes.map((s) => (
        <li key={s.name}>
          <label className="flex items-start gap-3">
            <input type="checkbox" name="scope" value={s.name} defaultChecked className="mt-1 h-4 w-4 shrink-0" />
            <span className="min-w-0 text-sm">
              <span className={`font-medium ${s.writes ? "text-amber-800" : ""}`}>{s.title}</span> <code className="text-xs text-slate-500">{s.name}</code>
            </span>
          </label>
        </li>
      ))}
    </ul>
  );
}
