/**
 * Nextcloud access (Flow 2): which scopes this server may use in the
 * person's Nextcloud, explained; when and how they were granted and last
 * used; add scopes (through the provisioning page), remove some (effective
 * at the next tool call), or revoke everything (after a confirmation step
 * that is a plain GET, so it works without JavaScript). The search index:
 * what it holds, its background jobs (last run, next run, items, errors)
 * and the switch that turns it off (deleting it) or on.
 */
import Link from "next/link";
import type { Metadata } from "next";
import { Card } from "@/app/_components/page-shell";
import { getNextcloudAccess } from "@/lib/dashboard/get-nextcloud-access";
import { getSearchIndex, type SearchIndexView } from "@/lib/dashboard/get-search-index";
import { SEARCH_INDEX_NOTICE } from "@/lib/search/index-notice";
import { requireUser } from "@/lib/dashboard/session";
import { EmptyState, Notice, PageTitle, param, ScopeList, Time } from "../../../_components/display";
import { KeepScopeChecklist } from "../../../_components/keep-scope-checklist";
import { SubmitButton } from "../../../_components/submit-button";
import { narrowNextcloudAction, requestScopesAction, retryAppPasswordRevocationAction, revokeNextcloudAction, setSearchIndexAction } from "./actions";

export const metadata: Metadata = { title: "Nextcloud access" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const ERRORS: Record<string, string> = {
  no_scopes: "Pick at least one scope to add.",
  nothing_to_revoke: "There was no Nextcloud access to revoke.",
  nextcloud_still_unreachable: "Nextcloud still cannot be reached, so the app password is still pending deletion there. Remove it yourself in Nextcloud under Settings → Security, or try again later.",
  revoke_failed: "The identity provider could not be reached or did not confirm the revocation, so nothing was revoked and your access is unchanged. Try again in a moment; if it keeps failing, ask the administrator.",
  widening: "Scopes can only be added through the grant page (Add scopes below). Nothing was changed.",
  nothing_left: "To take every scope away, revoke Nextcloud access instead. Nothing was changed.",
  unchanged: "Nothing was changed: every scope was still ticked.",
  no_grant: "There is no Nextcloud access to change.",
  narrow_failed: "The change could not be saved. Try again in a moment.",
  search_failed: "The search index could not be switched. Nothing was changed; try again in a moment.",
};

const FLOW_LABEL = {
  flow2: "Granted on its own, when a tool first needed it (progressive consent)",
  hybrid: "Granted together with a client’s sign-in (hybrid mode)",
} as const;

export default async function NextcloudAccessPage({ searchParams }: Props) {
  const user = await requireUser("/dashboard/nextcloud");
  const query = await searchParams;
  const [access, search] = await Promise.all([getNextcloudAccess({ userId: user.id }), getSearchIndex({ userId: user.id })]);
  const error = param(query, "error");
  return (
    <>
      <PageTitle title="Nextcloud access">
        What this server may do in your Nextcloud on your behalf. Every tool call still uses a minutes-long token limited to what that one tool needs.
      </PageTitle>
      {param(query, "done") === "revoked" ? <Notice tone="success">Nextcloud access was revoked. Nothing can use it any more; tools will ask you again when they need it.</Notice> : null}
      {param(query, "done") === "revoked_pending" ? (
        <Notice tone="error">
          Nextcloud access was revoked here, but Nextcloud could not be reached to delete the app password. This server will never use it again; remove it in Nextcloud under Settings → Security (it is listed below as pending until Nextcloud confirms).
        </Notice>
      ) : null}
      {param(query, "done") === "nextcloud_deleted" ? <Notice tone="success">The app password was deleted at Nextcloud.</Notice> : null}
      {access.pendingRevocations.length > 0 ? (
        <Card>
          <h2 className="text-lg font-semibold">Pending at Nextcloud</h2>
          <p className="mt-2 text-sm text-slate-700">
            These app passwords were revoked here, but Nextcloud has not confirmed deleting them yet. Remove them in Nextcloud under Settings → Security, or retry.
          </p>
          <ul className="mt-2 text-sm" data-testid="pending-revocations">
            {access.pendingRevocations.map((p) => (
              <li key={p.id}>
                Nextcloud account <strong>{p.loginName}</strong>, revoked <Time value={p.createdAt} />
              </li>
            ))}
          </ul>
          <form action={retryAppPasswordRevocationAction} className="mt-3">
            <SubmitButton>Retry deleting at Nextcloud</SubmitButton>
          </form>
        </Card>
      ) : null}
      {param(query, "done") === "narrowed" ? <Notice tone="success">Nextcloud access was narrowed. Tools that need a removed scope ask you again.</Notice> : null}
      {param(query, "done") === "search_off" ? <Notice tone="success">The search index is off and was deleted. Background jobs for it stopped.</Notice> : null}
      {param(query, "done") === "search_on" ? <Notice tone="success">The search index is on; the first sync starts within a minute.</Notice> : null}
      {error ? <Notice tone="error">{ERRORS[error] ?? "Something went wrong. Nothing was changed."}</Notice> : null}

      {access.state === "active" ? (
        <Card>
          <h2 className="text-lg font-semibold">Granted</h2>
          <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]" data-testid="nextcloud-grant">
            <dt className="text-slate-500">Since</dt>
            <dd>
              <Time value={access.provisionedAt} />
            </dd>
            <dt className="text-slate-500">Last used</dt>
            <dd>
              <Time value={access.lastUsedAt} />
            </dd>
            <dt className="text-slate-500">How</dt>
            <dd>{access.flowType ? FLOW_LABEL[access.flowType] : "unknown"}</dd>
            <dt className="text-slate-500">Nextcloud sign-in</dt>
            <dd data-testid="nextcloud-auth" data-auth={access.auth}>
              {access.auth === "bearer" ? "per-call tokens (bearer)" : "app password (Login Flow v2), used only after each call's token exchange"}
            </dd>
            {access.auth === "app-password" ? (
              <>
                <dt className="text-slate-500">Nextcloud account</dt>
                <dd data-testid="nextcloud-account" data-account={access.nextcloudAccount ?? ""}>
                  {access.nextcloudAccount ?? "not connected yet (the next tool call gives you a link)"}
                </dd>
              </>
            ) : null}
            {access.client ? (
              <>
                <dt className="text-slate-500">Asked for by</dt>
                <dd>{access.client.name}</dd>
              </>
            ) : null}
          </dl>
          <h3 className="mt-5 text-sm font-semibold">This server may</h3>
          <ScopeList scopes={access.granted} testId="granted-scopes" />
          {access.granted.length > 1 ? (
            <details className="mt-4 rounded-lg border border-slate-200 px-3 py-2">
              <summary className="cursor-pointer text-sm font-semibold text-brand-800">Remove scopes</summary>
              <form action={narrowNextcloudAction} className="mt-3">
                <fieldset>
                  <legend className="text-sm text-slate-700">Untick what this server should no longer do in your Nextcloud. It applies from the next tool call.</legend>
                  <KeepScopeChecklist scopes={access.granted} />
                </fieldset>
                <div className="mt-3">
                  <SubmitButton label="Save Nextcloud scopes">Save</SubmitButton>
                </div>
              </form>
            </details>
          ) : null}
          {param(query, "confirm") === "revoke" ? (
            <form action={revokeNextcloudAction} id="revoke" className="mt-6 rounded-lg border border-red-200 bg-red-50 p-4" data-testid="revoke-confirmation">
              <h3 className="text-sm font-semibold text-red-900">Revoke Nextcloud access?</h3>
              <p className="mt-1 text-sm text-red-900">
                This withdraws the access at the identity provider and deletes what this server stored. Background jobs stop; tools ask again.
              </p>
              <div className="mt-3 flex flex-wrap items-center gap-3">
                <SubmitButton variant="danger">Yes, revoke Nextcloud access</SubmitButton>
                <Link href="/dashboard/nextcloud" className="text-sm font-medium text-slate-700 underline">
                  Cancel
                </Link>
              </div>
            </form>
          ) : (
            <div className="mt-6 rounded-lg border border-red-200 bg-red-50 p-4">
              <p className="text-sm text-red-900">Revoking withdraws this access at the identity provider and deletes what this server stored.</p>
              <Link href="/dashboard/nextcloud?confirm=revoke#revoke" className="mt-3 inline-block rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800">
                Revoke Nextcloud access
              </Link>
            </div>
          )}
        </Card>
      ) : (
        <EmptyState title={access.state === "revoked" ? "Nextcloud access is revoked" : "No Nextcloud access yet"}>
          {access.state === "revoked" ? <>Revoked <Time value={access.revokedAt} />. </> : null}
          When a tool first needs your Nextcloud, your client gives you a link to grant exactly what it needs. You can also grant scopes below.
        </EmptyState>
      )}

      {access.state === "active" ? <SearchIndexCard search={search} /> : null}

      {access.notGranted.length > 0 ? (
        <Card className="mt-6">
          <form action={requestScopesAction}>
            <fieldset>
              <legend className="text-lg font-semibold">Add scopes</legend>
              <p className="mt-1 text-sm text-slate-600">You will review them on the next page and confirm at your identity provider.</p>
              <ul className="mt-3 space-y-2">
                {access.notGranted.map((s) => (
                  <li key={s.name}>
                    <label className="flex items-start gap-3 rounded-lg border border-slate-200 px-3 py-2">
                      <input type="checkbox" name="scope" value={s.name} className="mt-1 h-4 w-4" />
                      <span>
                        <span className={`block text-sm font-medium ${s.writes ? "text-amber-800" : ""}`}>
                          {s.title} <code className="ml-1 text-xs text-slate-500">{s.name}</code>
                        </span>
                        <span className="block text-sm text-slate-600">{s.explanation}</span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <div className="mt-4">
              <SubmitButton>Continue to grant</SubmitButton>
            </div>
          </form>
        </Card>
      ) : null}
    </>
  );
}

function SearchIndexCard({ search }: { search: SearchIndexView }) {
  return (
    <Card className="mt-6">
      <h2 id="search-index" className="text-lg font-semibold">
        Search index
      </h2>
      <p className="mt-1 text-sm text-slate-600">{SEARCH_INDEX_NOTICE}</p>
      <p className="mt-3 text-sm font-medium" data-testid="search-index-state">
        {search.enabled ? "The search index is on." : "The search index is off: nothing is indexed and no background job runs for it."}
      </p>
      {search.enabled && search.sources.length > 0 ? (
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="search-jobs">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-4 font-medium">Source</th>
                <th className="py-1 pr-4 font-medium">Items</th>
                <th className="py-1 pr-4 font-medium">Last run</th>
                <th className="py-1 pr-4 font-medium">Next run</th>
                <th className="py-1 font-medium">Errors</th>
              </tr>
            </thead>
            <tbody>
              {search.sources.map((s) => (
                <tr key={s.source} className="border-t border-slate-100 align-top">
                  <td className="py-1 pr-4">{s.title}</td>
                  <td className="py-1 pr-4">{s.indexed}</td>
                  <td className="py-1 pr-4">{s.running ? "running now" : <Time value={s.lastRunAt} />}</td>
                  <td className="py-1 pr-4">
                    <Time value={s.nextRunAt} />
                  </td>
                  <td className="py-1">{s.errors === 0 ? "none" : `${s.errors}${s.lastError ? `: ${s.lastError}` : ""}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <form action={setSearchIndexAction} className="mt-4">
        <input type="hidden" name="search" value={search.enabled ? "off" : "on"} />
        <SubmitButton variant={search.enabled ? "danger" : undefined}>{search.enabled ? "Turn the search index off and delete it" : "Turn the search index on"}</SubmitButton>
      </form>
    </Card>
  );
}
