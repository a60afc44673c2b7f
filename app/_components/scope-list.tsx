/** Scopes with their plain-language explanations (changes are highlighted): consent, provisioning and dashboard pages. */
export function ScopeList({ scopes, testId }: { scopes: { name: string; title: string; explanation: string; writes?: boolean }[]; testId?: string }) {
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
