/** Shown while a dashboard page's data loads. */
export function LoadingSkeleton() {
  return (
    <div role="status" aria-live="polite" className="space-y-4">
      <span className="sr-only">Loading…</span>
      <div aria-hidden="true" className="h-8 w-1/3 animate-pulse rounded bg-slate-200" />
      <div aria-hidden="true" className="h-32 animate-pulse rounded-xl bg-slate-200" />
      <div aria-hidden="true" className="h-32 animate-pulse rounded-xl bg-slate-200" />
    </div>
  );
}
