import Link from "next/link";
import type { ReactNode } from "react";

/** The frame every person-facing page shares: header, main landmark, footer. */
export function PageShell({ children, width = "wide", actions }: { children: ReactNode; width?: "narrow" | "wide"; actions?: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-4xl items-center justify-between px-4 py-3">
          <Link href="/" className="flex items-center gap-2 font-semibold text-brand-900">
            <span aria-hidden="true" className="inline-block h-6 w-6 rounded-full bg-brand-600" />
            nextcloud-mcp
          </Link>
          {actions}
        </div>
      </header>
      <main className={`mx-auto w-full flex-1 px-4 py-10 ${width === "narrow" ? "max-w-md" : "max-w-4xl"}`}>{children}</main>
      <footer className="border-t border-slate-200 py-4 text-center text-xs text-slate-500">
        nextcloud-mcp: progressive consent for the Model Context Protocol
      </footer>
    </div>
  );
}

export function Card({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <section className={`rounded-xl border border-slate-200 bg-white p-6 shadow-sm ${className}`}>{children}</section>;
}

/** A form's error message above the form, announced to screen readers; nothing when there is none. */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="mt-4 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}
