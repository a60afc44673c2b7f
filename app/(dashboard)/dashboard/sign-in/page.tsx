/**
 * The dashboard's sign-in page: one button that starts the authorization
 * request at the identity provider (the IdP's own pages then ask for the
 * username and password). Also where next-auth reports sign-in errors.
 */
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card, FormError, PageShell } from "@/app/_components/page-shell";
import { getConfig } from "@/lib/config";
import { safeDashboardPath } from "@/lib/dashboard/build-auth-options";
import { getDashboardUser } from "@/lib/dashboard/session";
import { param } from "../../_components/display";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in to the dashboard" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const ERRORS: Record<string, string> = {
  AccessDenied: "The sign-in was cancelled or refused at the identity provider.",
  OAuthCallback: "The identity provider's answer could not be verified. Please sign in again.",
  OAuthSignin: "The sign-in could not be started. Please try again.",
  Callback: "The sign-in could not be completed. Please try again.",
  SessionRequired: "Please sign in to see this page.",
  unavailable: "The identity provider cannot be reached right now. Please try again in a moment.",
};

export default async function SignInPage({ searchParams }: Props) {
  const query = await searchParams;
  const returnTo = safeDashboardPath(param(query, "callbackUrl"), getConfig().APP_URL);
  if (await getDashboardUser()) redirect(returnTo);
  const error = param(query, "error");
  const message = error ? (ERRORS[error] ?? "The sign-in did not work. Please try again.") : undefined;
  return (
    <PageShell width="narrow">
      <Card>
        <h1 className="text-xl font-semibold">Sign in to your dashboard</h1>
        <p className="mt-2 text-sm text-slate-600">
          See which AI clients can act for you, what this server may do in your Nextcloud, and take it back at any time.
        </p>
        <FormError message={message} />
        <form method="post" action="/dashboard/sign-in/start" className="mt-6">
          <input type="hidden" name="callbackUrl" value={returnTo} />
          <button type="submit" className="w-full rounded-lg bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700">
            Continue to sign-in
          </button>
        </form>
      </Card>
    </PageShell>
  );
}
