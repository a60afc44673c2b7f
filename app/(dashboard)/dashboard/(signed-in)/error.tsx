"use client";
/** Something failed while loading or changing dashboard data: a readable message and a way to retry (no details). */
export default function DashboardError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold text-red-800">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-slate-700">Something went wrong on our side. Nothing was changed. Try again in a moment.</p>
      <button type="button" onClick={reset} className="mt-4 rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
        Try again
      </button>
    </div>
  );
}
