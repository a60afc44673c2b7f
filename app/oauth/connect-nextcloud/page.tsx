/**
 * App-password mode: the progress page of Nextcloud Login Flow v2. Each view
 * advances the server-side poll once (lib/provisioning/connect-nextcloud-
 * account.ts) and, while waiting, reloads itself every few seconds by
 * `<meta http-equiv="refresh">` — no JavaScript needed to finish. Bounded:
 * after LOGIN_FLOW_TTL_SECONDS the flow ends as a timeout; the last reload
 * comes when the time is up (not up to REFRESH_SECONDS later), so the page
 * says so on time. The flow is bound
 * to this browser by an HttpOnly cookie set by the provisioning callback.
 */
import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { Card, PageShell } from "@/app/_components/page-shell";
import { advanceNextcloudLogin } from "@/lib/provisioning/connect-nextcloud-account";
import { LOGIN_FLOW_COOKIE } from "@/lib/provisioning/login-flow-sessions";
import { resultPath, sealProvisioningResult } from "@/lib/provisioning/provisioning-result";

export const dynamic = "force-dynamic";
// No page-level "no-referrer": Chromium would then send `Origin: null` with the Cancel/Confirm form, which
// the CSRF check rightly refuses (found by tests/integration/app-password-browser.test.ts). The page's URL
// holds no secret, and the one link off-site (Nextcloud's login page) carries rel="noreferrer".
export const metadata: Metadata = { title: "Connect your Nextcloud account" };

const REFRESH_SECONDS = 3;
const BUTTON = "rounded-lg px-4 py-2 font-medium";

function DecisionForm({ confirmLabel }: { confirmLabel?: string }) {
  return (
    <form method="post" action="/oauth/connect-nextcloud/decide" className="mt-5 flex gap-3">
      {confirmLabel ? (
        <button name="decision" value="confirm" className={`${BUTTON} bg-brand-600 text-white`} data-testid="confirm-account">
          {confirmLabel}
        </button>
      ) : null}
      <button name="decision" value="cancel" className={`${BUTTON} border border-slate-300 bg-white text-slate-800`} data-testid="cancel-connect">
        Cancel
      </button>
    </form>
  );
}

export default async function ConnectNextcloudPage() {
  const view = await advanceNextcloudLogin((await cookies()).get(LOGIN_FLOW_COOKIE)?.value);
  if (view.kind === "done") redirect(resultPath(await sealProvisioningResult(view.result)));

  if (view.kind === "none") {
    return (
      <PageShell width="narrow">
        <Card>
          <h1 className="text-xl font-semibold" data-testid="connect-state" data-state="none">
            Nothing to continue
          </h1>
          <p className="mt-2 text-slate-700">No Nextcloud sign-in is in progress in this browser. Go back to your AI client and run the tool again: it will give you a fresh link.</p>
        </Card>
      </PageShell>
    );
  }

  if (view.kind === "confirm") {
    return (
      <PageShell width="narrow">
        <Card>
          <h1 className="text-xl font-semibold" data-testid="connect-state" data-state="confirm">
            Connect Nextcloud account “{view.loginName}”?
          </h1>
          <p className="mt-2 text-slate-700" data-testid="nextcloud-account" data-account={view.loginName}>
            You signed in to Nextcloud as <strong>{view.loginName}</strong>
            {view.expectedLoginName ? (
              <>
                , but your account here is <strong>{view.expectedLoginName}</strong>
              </>
            ) : null}
            . Only continue if <strong>{view.loginName}</strong> is your own Nextcloud account: this server would act in it for your AI client.
          </p>
          <p className="mt-2 text-sm text-slate-600">Cancel deletes the app password Nextcloud just created.</p>
          <DecisionForm confirmLabel={`Yes, connect ${view.loginName}`} />
        </Card>
      </PageShell>
    );
  }

  // secondsLeft is rounded up: a reload after it lands at or past the end of the flow.
  const refreshSeconds = Math.max(1, Math.min(REFRESH_SECONDS, view.secondsLeft));
  const minutes = Math.floor(view.secondsLeft / 60);
  const seconds = view.secondsLeft % 60;
  return (
    <PageShell width="narrow">
      <meta httpEquiv="refresh" content={String(refreshSeconds)} />
      <Card>
        <h1 className="text-xl font-semibold" data-testid="connect-state" data-state="pending">
          Connect your Nextcloud account
        </h1>
        <ol className="mt-3 list-decimal space-y-2 pl-5 text-slate-700">
          <li>
            <a href={view.loginUrl} target="_blank" rel="noopener noreferrer" className="font-medium text-brand-700 underline" data-testid="nextcloud-login-link">
              Open Nextcloud&apos;s sign-in page
            </a>{" "}
            (a new tab), sign in with your own account and grant access.
          </li>
          <li>Come back to this tab: it checks every {REFRESH_SECONDS} seconds and continues by itself.</li>
        </ol>
        <p className="mt-4 text-sm text-slate-600" role="status" data-testid="connect-progress">
          Waiting for Nextcloud… {minutes}:{String(seconds).padStart(2, "0")} left.
          {view.nextcloudDown ? " Nextcloud did not answer the last check; still trying." : ""}
        </p>
        <p className="mt-2 text-sm text-slate-600">
          Nextcloud creates an app password for this server. It is stored encrypted and used only for the access you chose; you can revoke it on the dashboard or in Nextcloud under Settings → Security.
        </p>
        <DecisionForm />
      </Card>
    </PageShell>
  );
}
