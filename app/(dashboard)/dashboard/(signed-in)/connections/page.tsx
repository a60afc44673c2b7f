/**
 * Connections: every MCP client the person authorized (one card per
 * application, however often it registered), with what it may call and when
 * it was authorized and last used. The person can narrow what one client may
 * do (effective on its next request) or revoke it; revoking asks for
 * confirmation first, on a plain GET (no JavaScript needed).
 */
import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/app/_components/page-shell";
import { scopeInfo } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { listConnections, type ConnectionGroup } from "@/lib/dashboard/list-connections";
import { requireUser } from "@/lib/dashboard/session";
import { EmptyState, KindBadge, Notice, PageTitle, param, ScopeList, Time } from "../../../_components/display";
import { KeepScopeChecklist } from "../../../_components/keep-scope-checklist";
import { SubmitButton } from "../../../_components/submit-button";
import { narrowConnectionAction, revokeConnectionAction } from "./actions";

export const metadata: Metadata = { title: "Connections" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const ERRORS: Record<string, string> = {
  not_found: "That client has no access to change (it may have been revoked already).",
  not_allowed: "This connection cannot be changed here.",
  widening: "A client can only be given more access by connecting it again: it will ask you at its next sign-in.",
  unchanged: "Nothing was changed: every scope was still ticked.",
  invalid: "The request was not understood. Nothing was changed.",
};

const DONE: Record<string, string> = {
  revoked: "The client’s access was revoked.",
  narrowed: "The client’s access was narrowed. It applies from the client’s next request.",
};

const infos = (names: readonly string[]) => names.map(scopeInfo).filter((s) => s !== undefined);

function RevokeConfirmation({ c }: { c: ConnectionGroup }) {
  return (
    <div className="mt-4 rounded-lg border border-red-200 bg-red-50 p-4" data-testid="revoke-confirmation">
      <h3 className="text-sm font-semibold text-red-900">Revoke {c.name}?</h3>
      <p className="mt-1 text-sm text-red-900">
        It is signed out at once: its next request is refused and it cannot renew its access.
        {c.registrations > 1 ? ` All ${c.registrations} registrations of it are revoked.` : ""} To use it again, connect it again.
      </p>
      <form action={revokeConnectionAction} className="mt-3 flex flex-wrap items-center gap-3">
        <input type="hidden" name="group" value={c.key} />
        <SubmitButton variant="danger" label={`Yes, revoke ${c.name}`}>
          Yes, revoke
        </SubmitButton>
        <Link href="/dashboard/connections" className="text-sm font-medium text-slate-700 underline">
          Cancel
        </Link>
      </form>
    </div>
  );
}

function NarrowForm({ c }: { c: ConnectionGroup }) {
  const scopes = infos(c.scopes);
  if (scopes.length === 0) return null;
  return (
    <details className="mt-4 rounded-lg border border-slate-200 px-3 py-2">
      <summary className="cursor-pointer text-sm font-semibold text-brand-800">Change what it may do</summary>
      <form action={narrowConnectionAction} className="mt-3">
        <input type="hidden" name="group" value={c.key} />
        <fieldset>
          <legend className="text-sm text-slate-700">Untick what {c.name} should no longer do. It applies from its next request.</legend>
          <KeepScopeChecklist scopes={scopes} />
        </fieldset>
        <p className="mt-3 text-sm text-slate-600" data-testid="widening-note">
          To give it more access later, connect the client again: it will ask you to approve the extra access at its next sign-in.
        </p>
        <div className="mt-3">
          <SubmitButton label={`Save what ${c.name} may do`}>Save</SubmitButton>
        </div>
      </form>
    </details>
  );
}

export default async function ConnectionsPage({ searchParams }: Props) {
  const user = await requireUser("/dashboard/connections");
  const query = await searchParams;
  const connections = await listConnections({ userId: user.id });
  const error = param(query, "error");
  const done = param(query, "done");
  const confirming = param(query, "confirm");
  return (
    <>
      <PageTitle title="Connections">AI clients you allowed to use this server for you. Narrow what one may do, or revoke it: its next request is refused.</PageTitle>
      {done && DONE[done] ? <Notice tone="success">{DONE[done]}</Notice> : null}
      {error ? <Notice tone="error">{ERRORS[error] ?? ERRORS.invalid}</Notice> : null}
      {!getConfig().BUILTIN_IDP ? (
        <EmptyState title="Managed by your identity provider">Connections are granted at your identity provider; review and revoke them there.</EmptyState>
      ) : connections.length === 0 ? (
        <EmptyState title="No connected clients">When you connect an AI client with the endpoint on the overview page, it appears here.</EmptyState>
      ) : (
        <ul className="space-y-4" data-testid="connections">
          {connections.map((c) => {
            const scopes = infos(c.scopes);
            return (
              <li key={c.key} id={`c-${c.key}`} data-group={c.key} data-client-id={c.clientId} data-client-ids={c.clientIds.join(" ")} data-registrations={c.registrations}>
                <Card>
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0">
                      <h2 className="break-words text-lg font-semibold">{c.name}</h2>
                      <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                        <KindBadge kind={c.kind} />
                        <code className="break-all">{c.clientId}</code>
                        {c.registrations > 1 ? (
                          <span className="rounded-full bg-slate-100 px-2 py-0.5 font-medium text-slate-700" data-testid="registrations">
                            {c.registrations} registrations
                          </span>
                        ) : null}
                        {c.disabled ? <span className="rounded-full bg-red-100 px-2 py-0.5 font-medium text-red-800">disabled by an administrator</span> : null}
                      </p>
                    </div>
                    {confirming === c.key ? null : (
                      <Link
                        href={`/dashboard/connections?confirm=${c.key}#c-${c.key}`}
                        aria-label={`Revoke ${c.name}`}
                        className="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800"
                      >
                        Revoke
                      </Link>
                    )}
                  </div>
                  {confirming === c.key ? <RevokeConfirmation c={c} /> : null}
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
                  <NarrowForm c={c} />
                </Card>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
