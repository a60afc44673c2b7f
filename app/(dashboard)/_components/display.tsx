/** Small shared pieces of the dashboard's pages: dates, notices, empty states, labels. */
import type { ReactNode } from "react";
import type { ClientKind } from "@/lib/auth/client-registry";

const FORMAT = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A date in UTC (server-rendered, so every viewer sees the same text). */
export function Time({ value, empty = "never" }: { value: Date | null | undefined; empty?: string }) {
  if (!value) return <span className="text-slate-500">{empty}</span>;
  return <time dateTime={value.toISOString()}>{FORMAT.format(value)} UTC</time>;
}

export function Notice({ tone, children }: { tone: "success" | "error"; children: ReactNode }) {
  const style = tone === "success" ? "border-green-200 bg-green-50 text-green-900" : "border-red-200 bg-red-50 text-red-800";
  return (
    <p role={tone === "error" ? "alert" : "status"} className={`mb-6 rounded-lg border px-3 py-2 text-sm ${style}`}>
      {children}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
      <p className="font-semibold text-slate-800">{title}</p>
      <div className="mt-1 text-sm text-slate-600">{children}</div>
    </div>
  );
}

export const KIND_LABEL: Record<ClientKind | "unknown", string> = {
  preregistered: "Pre-registered",
  dynamic: "Dynamically registered",
  cimd: "Client metadata document",
  internal: "This server",
  external: "External IdP client",
  unknown: "Unknown",
};

export function KindBadge({ kind }: { kind: ClientKind | "unknown" }) {
  const verified = kind === "preregistered" || kind === "internal";
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${verified ? "bg-brand-100 text-brand-900" : "bg-slate-100 text-slate-700"}`}>{KIND_LABEL[kind]}</span>
  );
}

export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-bold tracking-tight text-brand-900">{title}</h1>
      {children ? <p className="mt-1 max-w-2xl text-slate-700">{children}</p> : null}
    </div>
  );
}

/** Reads one string search parameter. */
export function param(query: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = query[name];
  return typeof value === "string" ? value : undefined;
}

export { ScopeList } from "@/app/_components/scope-list";
