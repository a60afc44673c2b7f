/**
 * The built-in IdP's person-facing step: sign in, or approve what a client
 * asks for. A server component (no JavaScript needed); both forms post to
 * route handlers next to this page, which answer 303.
 */
import type { Metadata } from "next";
import { headers } from "next/headers";
import { Card, FormError, PageShell } from "@/app/_components/page-shell";
import { findAccountById } from "@/lib/accounts";
import { getConfig } from "@/lib/config";
import { csrfToken, describeConsent, loadInteraction, type ConsentView } from "@/lib/idp/interactions";
import { UID_PATTERN } from "@/lib/idp/interaction-http";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { ConsentCard } from "./consent-card";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

type Props = { params: Promise<{ uid: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const inputClass = "mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-slate-900 shadow-sm focus:border-brand-600";
const primaryButton = "rounded-lg bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700";

function loginMessage(error: string | undefined, retry: string | undefined): string | undefined {
  if (error === "invalid_credentials") return "The username or password is incorrect.";
  if (error === "rate_limited") {
    const seconds = Number(retry);
    return `Too many sign-in attempts. Try again${Number.isFinite(seconds) && seconds > 0 ? ` in ${Math.ceil(seconds)} seconds` : " later"}.`;
  }
  return undefined;
}

function Expired() {
  return (
    <PageShell width="narrow">
      <Card>
        <h1 className="text-xl font-semibold">This sign-in request has expired</h1>
        <p className="mt-2 text-slate-700">Go back to the application you came from and connect again.</p>
      </Card>
    </PageShell>
  );
}

function LoginCard({ uid, csrf, clientName, message }: { uid: string; csrf: string; clientName: string; message?: string }) {
  return (
    <PageShell width="narrow">
      <Card>
        <h1 className="text-xl font-semibold">Sign in</h1>
        <p className="mt-1 text-sm text-slate-600">
          to continue to <strong className="font-semibold text-slate-900">{clientName}</strong>
        </p>
        <FormError message={message} />
        <form method="post" action={`/interaction/${uid}/login`} className="mt-4 space-y-4">
          <input type="hidden" name="csrf" value={csrf} />
          <div>
            <label htmlFor="username" className="block text-sm font-medium">Username</label>
            <input id="username" name="username" type="text" autoComplete="username" autoCapitalize="none" spellCheck={false} required maxLength={256} className={inputClass} />
          </div>
          <div>
            <label htmlFor="password" className="block text-sm font-medium">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required maxLength={1024} className={inputClass} />
          </div>
          <button type="submit" className={`${primaryButton} w-full`}>Sign in</button>
        </form>
      </Card>
    </PageShell>
  );
}

export default async function InteractionPage({ params, searchParams }: Props) {
  const { uid } = await params;
  const query = await searchParams;
  if (!UID_PATTERN.test(uid)) return <Expired />;
  const requestHeaders = await headers();
  const interaction = await loadInteraction({ cookie: requestHeaders.get("cookie"), https: getConfig().APP_URL.startsWith("https:") }, uid);
  if (!interaction) return <Expired />;
  const csrf = await csrfToken(uid);
  const view: ConsentView = await describeConsent(interaction, offeredResourceScopes());

  if (interaction.prompt.name === "login") {
    const error = typeof query.error === "string" ? query.error : undefined;
    const retry = typeof query.retry === "string" ? query.retry : undefined;
    return <LoginCard uid={uid} csrf={csrf} clientName={view.clientName} message={loginMessage(error, retry)} />;
  }
  const account = interaction.session?.accountId ? await findAccountById(interaction.session.accountId) : null;
  return (
    <PageShell width="narrow">
      <ConsentCard uid={uid} csrf={csrf} view={view} accountName={account?.displayName ?? account?.username} />
    </PageShell>
  );
}
