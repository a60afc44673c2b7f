/**
 * Connections: every MCP client the person authorized, with what it may call
 * and when it was authorized and last used; Revoke withdraws the IdP grant
 * and its tokens, so the client's next request is refused.
 */
import type { Metadata } from "next";
import { Card } from "@/app/_components/page-shell";
import { scopeInfo } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { listConnections } from "@/lib/dashboard/list-connections";
import { requireUser } from "@/lib/dashboard/session";
import { EmptyState, KindBadge, Notice, PageTitle, param, ScopeList, Time } from "../../../_components/display";
import { SubmitButton } from "../../../_components/submit-button";
import { revokeConnectionAction } from "./actions";

export const metadata: Metadata = { title: "Connections" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const ERRORS: Record<string, string> = {
  not_found: "That client has no access to revoke (it may have been revoked already).",
  not_allowed: "This connection cannot be revoked here.",
  invalid: "The request was not understood. Nothing was changed.",
};

export default async function ConnectionsPage({ searchParams }: Props) {
  const user = await requireUser("/dashboard/connections");
  const query = await searchParams;
  const connections = await listConnections({ userId: user.id });
  const error = param(query, "error");
  return (
    <>
      <PageTitle title="Connections">AI clients you allowed to use this server for you. Revoking one signs it out: its next request is refused.</PageTitle>
      {param(query, "done") === "revoked" ? <Notice tone="success">The client’s access was revoked.</Notice> : null}
      {error ? <Notice tone="error">{ERRORS[error] ?? ERRORS.invalid}</Notice> : null}
      {!getConfig().BUILTIN_IDP ? (
        <EmptyState title="Managed by your identity provider">Connections are granted at your identity provider; review and revoke them there.</EmptyState>
      ) : connections.length === 0 ? (
        <EmptyState title="No connected clients">When you connect an AI client with the endpoint on the overview page, it appears here.</EmptyState>
      ) : (
        <ul className="space-y-4" data-testid="connections">
          {connections.map((c) => {
            const scopes = c.scopes.map(scopeInfo).filter((s) => s !== undefined);
            return (
              <li key={c.clientId} data-client-id={c.clientId}>
                <Card>
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0">
                      <h2 className="text-lg font-semibold">{c.name}</h2>
                      <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                        <KindBadge kind={c.kind} />
                        <code className="break-all">{c.clientId}</code>
                        {c.disabled ? <span className="rounded-full bg-red-100 px-2 py-0.5 font-medium text-red-800">disabled by an administrator</span> : null}
                      </p>
                    </div>
                    <form action={revokeConnectionAction}>
                      <input type="hidden" name="clientId" value={c.clientId} />
                      <SubmitButton variant="danger" label={`Revoke ${c.name}`}>
                        Revoke
                      </SubmitButton>
                    </form>
                  </div>
                  <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
                    <dt className="text-slate-500">First authorized</dt>
                    <dd>
                      <Time value={c.firstAuthorizedAt} />
                    </dd>
                    <dt className="text-slate-500">Last used</dt>
                    <dd>
                      <Time value={c.lastUsedAt} />
                    </dd>
                    <dt className="text-slate-500">About you</dt>
                    <dd>{c.identityScopes.length > 0 ? c.identityScopes.join(", ") : "nothing"}</dd>
                  </dl>
                  <h3 className="mt-4 text-sm font-semibold">It may call tools that</h3>
                  {scopes.length > 0 ? <ScopeList scopes={scopes} /> : <p className="mt-1 text-sm text-slate-600">No tool scopes: it can only see who you are.</p>}
                </Card>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
