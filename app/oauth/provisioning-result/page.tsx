/**
 * The readable end of every provisioning attempt: success (what was granted,
 * how to revoke) or what went wrong and the way back. The outcome arrives
 * sealed (lib/provisioning/provisioning-result.ts); a missing, altered or
 * stale value gets a neutral page.
 */
import type { Metadata } from "next";
import { Card, PageShell } from "@/app/_components/page-shell";
import { scopeInfo, type ScopeInfo } from "@/lib/auth/scopes";
import { openProvisioningResult, type ReadResult } from "@/lib/provisioning/provisioning-result";
import { REVOKE_HINT, ScopeItems } from "../_components/scope-items";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Nextcloud access", referrer: "no-referrer" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const TRY_AGAIN = "Go back to your AI client and run the tool again: it will give you a fresh link.";

const PROBLEMS: Record<Exclude<ReadResult["kind"], "provisioned">, { title: string; text: string }> = {
  link_invalid: { title: "This link is not valid", text: "The provisioning link is incomplete, was altered, or was not made by this server. Nothing was granted." },
  link_expired: { title: "This link has expired", text: "Provisioning links are valid for ten minutes. Nothing was granted." },
  link_used: { title: "This link was already used", text: "Each provisioning link works once. Nothing more was granted." },
  nothing_chosen: { title: "Nothing was chosen", text: "You unticked every scope, so nothing was granted. The link still works until it expires: go back to it and tick what you want to allow." },
  forbidden_origin: { title: "Request refused", text: "The form was sent from another site. Nothing was granted." },
  state_unknown: { title: "This sign-in response is not valid", text: "It does not belong to a provisioning this server started. Nothing was stored." },
  state_used: { title: "This sign-in response was already used", text: "Each provisioning completes once; a replayed response is refused. Nothing more was stored." },
  state_expired: { title: "This provisioning took too long", text: "Provisioning must be completed within ten minutes. Nothing was stored." },
  denied: { title: "Access was not granted", text: "You declined at the identity provider, so this server has no new Nextcloud access. Tools that need it will keep asking." },
  idp_error: { title: "The identity provider did not grant access", text: "It answered with an error. Nothing was stored." },
  wrong_account: {
    title: "This link belongs to another account",
    text:
      "The provisioning link was made for a different account than the one you signed in with at the identity provider. " +
      "Nothing was stored. Sign out at the identity provider and sign in as the account you use in your AI client, or ask that account's owner to open the link.",
  },
  unavailable: { title: "The identity provider cannot be reached", text: "Nothing was stored. Try again in a moment." },
  failed: { title: "Access could not be granted", text: "The sign-in could not be completed. Nothing was stored." },
  nextcloud_timeout: {
    title: "Nextcloud did not confirm in time",
    text: "The Nextcloud sign-in was not completed within ten minutes, so no Nextcloud account was connected. Your choice of access is kept; tools will ask you to connect Nextcloud again.",
  },
  nextcloud_cancelled: { title: "Nextcloud was not connected", text: "You cancelled (or did not grant access in Nextcloud). No app password is kept by this server." },
  nextcloud_account_refused: {
    title: "That Nextcloud account does not belong to you",
    text:
      "You signed in to Nextcloud with an account your administrator has not mapped to yours, so it was not connected and its new app password was deleted at Nextcloud. " +
      "Sign out of Nextcloud and sign in with your own account.",
  },
  nextcloud_unavailable: { title: "Nextcloud cannot be reached", text: "The Nextcloud sign-in could not be started or finished. Nothing was connected. Try again in a moment." },
};

const infos = (names: string[]) => names.map((n) => scopeInfo(n)).filter((s): s is ScopeInfo => s !== undefined);

export default async function ProvisioningResultPage({ searchParams }: Props) {
  const query = await searchParams;
  const result = await openProvisioningResult(typeof query.result === "string" ? query.result : undefined);

  if (!result) {
    return (
      <PageShell width="narrow">
        <Card>
          <h1 className="text-xl font-semibold" data-testid="provisioning-outcome" data-kind="unknown">
            Nothing to show
          </h1>
          <p className="mt-2 text-slate-700">This page has expired or its address is incomplete. {TRY_AGAIN}</p>
        </Card>
      </PageShell>
    );
  }

  if (result.kind === "provisioned") {
    const added = infos(result.added);
    const all = infos(result.scopes);
    const missing = infos(result.missing);
    return (
      <PageShell width="narrow">
        <Card>
          <h1 className="text-xl font-semibold" data-testid="provisioning-outcome" data-kind="provisioned">
            Nextcloud access granted
          </h1>
          <p className="mt-2 text-slate-700" data-testid="call-again" data-tool={result.tool ?? ""}>
            {result.tool ? (
              <>
                Go back to your AI client and ask it to call <code>{result.tool}</code> again; it will work now, and so will every other tool this access covers.
              </>
            ) : (
              <>Go back to your AI client and ask it to run the tool again; it will work now.</>
            )}
          </p>
          {added.length > 0 && added.length < all.length ? (
            <section className="mt-5">
              <h2 className="font-semibold">Newly granted</h2>
              <ScopeItems scopes={added} testId="added-scopes" />
            </section>
          ) : null}
          {result.nextcloudAccount ? (
            <p className="mt-3 text-slate-700" data-testid="nextcloud-account" data-account={result.nextcloudAccount}>
              Connected Nextcloud account: <strong>{result.nextcloudAccount}</strong> (an app password this server keeps encrypted and uses only for the access below).
            </p>
          ) : null}
          <section className="mt-5">
            <h2 className="font-semibold">Everything this server may now do in your Nextcloud</h2>
            <ScopeItems scopes={all} testId="granted-scopes" />
          </section>
          {missing.length > 0 ? (
            <p role="alert" className="mt-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Not granted: {missing.map((s) => s.title).join(", ")}. Tools that need it will ask again.
            </p>
          ) : null}
          <p className="mt-5 text-sm text-slate-600">{REVOKE_HINT}</p>
        </Card>
      </PageShell>
    );
  }

  const problem = PROBLEMS[result.kind];
  return (
    <PageShell width="narrow">
      <Card>
        <h1 className="text-xl font-semibold" data-testid="provisioning-outcome" data-kind={result.kind}>
          {problem.title}
        </h1>
        <p className="mt-2 text-slate-700">{problem.text}</p>
        {result.kind === "nextcloud_account_refused" && result.nextcloudAccount ? (
          <p className="mt-2 text-sm text-slate-500" data-testid="nextcloud-account" data-account={result.nextcloudAccount}>
            Nextcloud account you signed in with: <code>{result.nextcloudAccount}</code>
          </p>
        ) : null}
        {result.kind === "idp_error" && result.error ? (
          <p className="mt-2 text-sm text-slate-500">
            Error code: <code>{result.error}</code>
          </p>
        ) : null}
        {result.kind === "nothing_chosen" ? null : <p className="mt-2 text-slate-700">{TRY_AGAIN}</p>}
      </Card>
    </PageShell>
  );
}
