/**
 * The built-in IdP's consent step: who asks (client kind, where it returns to),
 * for which scopes (the shared ScopeList, as on the provisioning and dashboard
 * pages), and a plain HTML Allow / Deny form that works without JavaScript.
 */
import { Card } from "@/app/_components/page-shell";
import { ScopeList } from "@/app/_components/scope-list";
import type { ConsentResource, ConsentView } from "@/lib/idp/interactions";

const KIND_LABEL: Record<ConsentView["clientKind"], string> = {
  preregistered: "Pre-registered by your administrator",
  internal: "This server itself",
  dynamic: "Registered itself automatically (not verified by your administrator)",
  cimd: "Identified by its published client metadata document (not verified by your administrator)",
  external: "Known to your identity provider",
  unknown: "Unknown client",
};

const RESOURCE_LABEL: Record<ConsentResource["kind"], string> = {
  mcp: "This MCP server (the tools the client may call)",
  nextcloud: "Your Nextcloud (what this server may do there on your behalf)",
};

/** What the client asks for, and the Allow / Deny form. Every value is escaped by React. */
export function ConsentCard({ uid, csrf, view, accountName }: { uid: string; csrf: string; view: ConsentView; accountName?: string }) {
  return (
    <Card>
      <h1 className="text-xl font-semibold">
        Allow <span data-testid="client-name">{view.clientName}</span> to use your account?
      </h1>
      {accountName ? <p className="mt-1 text-sm text-slate-600">Signed in as {accountName}</p> : null}
      <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Client</dt>
        <dd data-testid="client-kind">{KIND_LABEL[view.clientKind]}</dd>
        <dt className="text-slate-500">Returns to</dt>
        <dd data-testid="redirect-host" className="break-all font-mono">{view.redirectTarget}</dd>
      </dl>
      {view.resources.map((r) => (
        <section key={r.indicator} className="mt-5" data-testid={`resource-${r.kind}`}>
          <h2 className="font-semibold">{RESOURCE_LABEL[r.kind]}</h2>
          <ScopeList scopes={r.scopes} />
        </section>
      ))}
      {view.identityScopes.length > 0 ? (
        <section className="mt-5">
          <h2 className="font-semibold">About you</h2>
          <ScopeList scopes={view.identityScopes} />
        </section>
      ) : null}
      <form method="post" action={`/interaction/${uid}/consent`} className="mt-6 flex gap-3">
        <input type="hidden" name="csrf" value={csrf} />
        <button type="submit" name="decision" value="allow" className="rounded-lg bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700">
          Allow
        </button>
        <button type="submit" name="decision" value="deny" className="rounded-lg border border-slate-300 bg-white px-4 py-2 font-semibold text-slate-800 hover:bg-slate-50">
          Deny
        </button>
      </form>
    </Card>
  );
}
