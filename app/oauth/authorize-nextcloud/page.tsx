/**
 * The provisioning page (Flow 2): what the client asked this server to do in
 * Nextcloud on the person's behalf, scope by scope, as checkboxes (plain
 * HTML, no JavaScript): the calling tool's scopes ticked and fixed, every
 * other Nextcloud scope the client holds ticked by default
 * (lib/provisioning/provisioning-choices.ts). This page is the consent for
 * this server's Nextcloud access: Continue (a same-origin form POST) signs
 * the person in at the identity provider if needed and comes straight back.
 * Viewing it uses nothing up; Continue does. A bad, expired or used link
 * gets a readable page.
 */
import type { Metadata } from "next";
import { Card, PageShell } from "@/app/_components/page-shell";
import { describeProvisioningRequest } from "@/lib/provisioning/describe-provisioning-request";
import { SEARCH_INDEX_NOTICE } from "@/lib/search/index-notice";
import { ScopeChoices } from "../_components/scope-choices";
import { REVOKE_HINT, ScopeItems } from "../_components/scope-items";

export const dynamic = "force-dynamic";
// No page-level referrer policy: "no-referrer" would make browsers send `Origin: null` with the Continue
// form, which the CSRF check rightly refuses. The site-wide same-origin policy keeps the link off other sites.
export const metadata: Metadata = { title: "Grant Nextcloud access" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const LINK_PROBLEM = {
  invalid: { title: "This link is not valid", text: "The provisioning link is incomplete, was altered, or was not made by this server." },
  expired: { title: "This link has expired", text: "Provisioning links are valid for ten minutes." },
  used: { title: "This link was already used", text: "Each provisioning link works once." },
} as const;

export default async function AuthorizeNextcloudPage({ searchParams }: Props) {
  const query = await searchParams;
  const request = typeof query.request === "string" ? query.request : undefined;
  const outcome = await describeProvisioningRequest(request);

  if (!outcome.ok) {
    const problem = LINK_PROBLEM[outcome.reason];
    return (
      <PageShell width="narrow">
        <Card>
          <h1 className="text-xl font-semibold" data-testid="provisioning-problem" data-reason={outcome.reason}>
            {problem.title}
          </h1>
          <p className="mt-2 text-slate-700">{problem.text}</p>
          <p className="mt-2 text-slate-700">Go back to your AI client and try again: it will give you a fresh link.</p>
        </Card>
      </PageShell>
    );
  }

  const { view } = outcome;
  const client = view.clientName ?? view.clientId ?? "An MCP client";
  return (
    <PageShell width="narrow">
      <Card>
        <h1 className="text-xl font-semibold">Give this server access to your Nextcloud?</h1>
        <p className="mt-2 text-slate-700">
          <strong data-testid="client-name">{client}</strong>
          {view.clientName && view.clientId && view.clientName !== view.clientId ? (
            <span className="text-slate-500"> (client id <code className="break-all text-xs">{view.clientId}</code>)</span>
          ) : null}{" "}
          asked for a tool that needs your Nextcloud. Signing in to the client did not give this server any Nextcloud access; you grant it here, scope by scope.
        </p>

        <form method="post" action="/oauth/authorize-nextcloud/continue" className="mt-5">
          <input type="hidden" name="request" value={request} />
          {view.choices.length > 0 ? (
            <section>
              <h2 className="font-semibold">This server will be allowed to</h2>
              <p className="text-sm text-slate-600">
                {view.tool ? (
                  <>
                    Marked &ldquo;needed&rdquo;: what <code>{view.tool}</code> needs. The others are what this client may use in other tools; untick what you do not want.
                  </>
                ) : (
                  <>Untick what you do not want.</>
                )}
              </p>
              <ScopeChoices choices={view.choices} testId="requested-scopes" />
            </section>
          ) : (
            <p className="text-slate-700" data-testid="nothing-to-add">
              Everything this client may use is already granted.{view.connectNextcloud ? " Continue to connect your Nextcloud account." : ""}
            </p>
          )}
          {view.kept.length > 0 ? (
            <section className="mt-5">
              <h2 className="font-semibold">Access you granted before (stays as it is)</h2>
              <ScopeItems scopes={view.kept} testId="kept-scopes" />
            </section>
          ) : null}

          <p className="mt-5 text-sm text-slate-600">
            Nextcloud also learns your username, name and email address from this server&apos;s tokens, so that it recognises your account. Each tool call gets
            its own short-lived token limited to what that tool needs. To run tasks while you are away, this server keeps a renewable grant, encrypted.{" "}
            {REVOKE_HINT}
          </p>
          <p className="mt-2 text-sm text-slate-600" data-testid="search-index-notice">
            {SEARCH_INDEX_NOTICE}
          </p>
          <p className="mt-2 text-sm text-slate-600">
            Continue confirms this choice. If you are not signed in, your identity provider asks you to sign in first (as the same account you use in the
            client). This link expires at <time dateTime={view.expiresAt.toISOString()}>{view.expiresAt.toUTCString()}</time>.
          </p>
          {view.choices.length > 0 || view.connectNextcloud ? (
            <button type="submit" className="mt-6 rounded-lg bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700">
              Continue
            </button>
          ) : null}
        </form>
        <p className="mt-3 text-sm text-slate-500">Don&apos;t want to? Just close this page; nothing is granted.</p>
      </Card>
    </PageShell>
  );
}
