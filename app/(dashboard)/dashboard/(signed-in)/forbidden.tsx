import Link from "next/link";

/** 403: signed in, but this page (or action) is for administrators only. */
export default function Forbidden() {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold text-brand-900">Administrators only</h1>
      <p className="mt-2 text-sm text-slate-600">Your account may not open this page. Nothing was changed.</p>
      <p className="mt-4">
        <Link href="/dashboard" className="text-sm font-medium text-brand-700 underline">
          Back to your dashboard
        </Link>
      </p>
    </div>
  );
}
