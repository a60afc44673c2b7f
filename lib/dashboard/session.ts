/**
 * The dashboard's session helper: the one module of lib/ that imports next/*
 * (request cookies and headers, redirect, forbidden) and React's per-request
 * cache. Pages, layouts and server actions ask it who is signed in; the
 * next-auth route handler gets its options here.
 *
 * - requireUser: no session → redirect to the sign-in page, then back.
 *   The account is looked up on every request (built-in IdP), so a disabled
 *   or deleted account loses the dashboard at once.
 * - requireAdmin: signed in but not an admin → 403 (forbidden()).
 * - authorizeAction: what every server action calls first — the request's
 *   Origin must be this app's (CSRF; Next.js compares Origin and Host too,
 *   this also refuses a POST without Origin), then requireUser/requireAdmin.
 */
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { NextResponse } from "next/server";
import type { NextAuthOptions } from "next-auth";
import { getToken } from "next-auth/jwt";
import { getServerSession } from "next-auth/next";
import * as oidc from "openid-client";
import { cache } from "react";
import { findAccountById } from "@/lib/accounts";
import { getConfig } from "@/lib/config";
import { processWideAsync } from "@/lib/process-wide";
import { loadSigningKeys, signingAlgorithms } from "@/lib/idp/keys";
import { internalClientSecret } from "@/lib/idp/static-clients";
import { getServerClient } from "@/lib/oidc/server-client";
import { buildAuthOptions, PROVIDER_ID, safeDashboardPath, SIGN_IN_PATH } from "./build-auth-options";
import { callNextAuth, type CookieToSet } from "./call-next-auth";
import { deriveSessionSecret } from "./derive-session-secret";

export interface DashboardUser {
  /** The IdP's `sub`: the account id of the built-in IdP. */
  id: string;
  name: string;
  username?: string;
  isAdmin: boolean;
}


async function createAuthOptions(): Promise<NextAuthOptions> {
  const config = getConfig();
  // next-auth 4 takes its public URL only from NEXTAUTH_URL; it must be APP_URL. The one
  // sanctioned environment write outside lib/config (tests/unit/boundaries.test.ts).
  process.env.NEXTAUTH_URL = `${config.APP_URL}/api/auth`;
  const [secret, clientSecret, idTokenAlg] = await Promise.all([
    deriveSessionSecret(),
    config.BUILTIN_IDP ? internalClientSecret() : Promise.resolve(config.OIDC_CLIENT_SECRET!),
    // The built-in IdP signs ID tokens with its MCP algorithm; OIDC Registration §2's default otherwise.
    config.BUILTIN_IDP ? loadSigningKeys().then((k) => signingAlgorithms(k.keys).mcp) : Promise.resolve("RS256"),
  ]);
  return buildAuthOptions({ appUrl: config.APP_URL, issuer: config.ISSUER, clientId: config.OIDC_CLIENT_ID, clientSecret, idTokenAlg, secret });
}

export function getAuthOptions(): Promise<NextAuthOptions> {
  return processWideAsync("dashboard-auth-options", createAuthOptions);
}

/** The signed-in person, or null. Cached per request. */
export const getDashboardUser = cache(async (): Promise<DashboardUser | null> => {
  const session = await getServerSession(await getAuthOptions());
  const sub = (session?.user as { id?: unknown } | undefined)?.id;
  if (typeof sub !== "string" || sub.length === 0) return null;
  if (getConfig().BUILTIN_IDP) {
    const account = await findAccountById(sub);
    if (!account) return null;
    return { id: account.id, name: account.displayName, username: account.username, isAdmin: account.isAdmin };
  }
  // External IdP: no local account, so no admin role here.
  return { id: sub, name: session?.user?.name ?? sub, isAdmin: false };
});

export function signInPath(returnTo: string): string {
  return `${SIGN_IN_PATH}?callbackUrl=${encodeURIComponent(safeDashboardPath(returnTo, getConfig().APP_URL))}`;
}

export async function requireUser(returnTo: string): Promise<DashboardUser> {
  const user = await getDashboardUser();
  if (!user) redirect(signInPath(returnTo));
  return user;
}

export async function requireAdmin(returnTo: string): Promise<DashboardUser> {
  const user = await requireUser(returnTo);
  if (!user.isAdmin) forbidden();
  return user;
}

/** Refuses a state-changing request whose Origin is not this app (CSRF). */
export async function requireSameOrigin(): Promise<void> {
  const origin = (await headers()).get("origin");
  if (origin !== new URL(getConfig().APP_URL).origin) forbidden();
}

export async function authorizeAction(options: { returnTo: string; admin?: boolean }): Promise<DashboardUser> {
  await requireSameOrigin();
  return options.admin ? requireAdmin(options.returnTo) : requireUser(options.returnTo);
}

/** A state-changing request from another site (or with no Origin at all) is refused: OWASP CSRF, verify Origin. */
export function isSameOriginRequest(request: Request): boolean {
  return request.headers.get("origin") === new URL(getConfig().APP_URL).origin;
}

/** 303 See Other (a POST answered with a GET elsewhere), carrying next-auth's cookies. */
function seeOther(location: string, cookieList: CookieToSet[]): NextResponse {
  const response = NextResponse.redirect(new URL(location, getConfig().APP_URL), 303);
  response.headers.set("Cache-Control", "no-store");
  for (const c of cookieList) response.cookies.set(c.name, c.value, c.options);
  return response;
}

async function csrfPair(options: NextAuthOptions, host: string): Promise<{ token: string; cookie: CookieToSet }> {
  const answer = await callNextAuth(options, { action: "csrf", method: "GET", host });
  const token = (answer.body as { csrfToken?: unknown } | undefined)?.csrfToken;
  const cookie = answer.cookies.find((c) => c.name.endsWith("next-auth.csrf-token"));
  if (typeof token !== "string" || !cookie) throw new Error("next-auth gave no CSRF token");
  return { token, cookie };
}

/**
 * Starts the authorization request at the IdP: next-auth creates the PKCE
 * verifier, state and nonce (kept in its short-lived httpOnly cookies) and
 * the authorization URL; the answer sends the browser there.
 */
export async function signInResponse(returnTo: string): Promise<NextResponse> {
  const config = getConfig();
  const options = await getAuthOptions();
  const host = new URL(config.APP_URL).host;
  const csrf = await csrfPair(options, host);
  const answer = await callNextAuth(options, {
    action: "signin",
    providerId: PROVIDER_ID,
    method: "POST",
    body: { csrfToken: csrf.token, callbackUrl: `${config.APP_URL}${safeDashboardPath(returnTo, config.APP_URL)}` },
    cookies: { [csrf.cookie.name]: csrf.cookie.value },
    host,
  });
  return seeOther(answer.location ?? signInPath(returnTo), [csrf.cookie, ...answer.cookies]);
}

/**
 * Ends the dashboard session (next-auth removes its cookies) and sends the
 * browser to the IdP's end_session_endpoint (OpenID Connect RP-Initiated
 * Logout 1.0 §2) with id_token_hint and the registered
 * post_logout_redirect_uri, so the IdP session ends too; without an ID token
 * or endpoint, to the start page.
 */
export async function signOutResponse(): Promise<NextResponse> {
  const config = getConfig();
  const options = await getAuthOptions();
  const jar = await cookies();
  const all = Object.fromEntries(jar.getAll().map((c) => [c.name, c.value]));
  const token = await getToken({ req: { cookies: all, headers: {} } as never, secret: options.secret, secureCookie: config.APP_URL.startsWith("https:") });
  const host = new URL(config.APP_URL).host;
  const csrf = await csrfPair(options, host);
  const answer = await callNextAuth(options, { action: "signout", method: "POST", body: { csrfToken: csrf.token }, cookies: { ...all, [csrf.cookie.name]: csrf.cookie.value }, host });
  const home = `${config.APP_URL}/`;
  const idToken = typeof token?.idToken === "string" ? token.idToken : undefined;
  let location = home;
  if (idToken) {
    try {
      const client = await getServerClient();
      if (client.serverMetadata().end_session_endpoint) location = oidc.buildEndSessionUrl(client, { id_token_hint: idToken, post_logout_redirect_uri: home }).href;
    } catch {
      // The IdP cannot be reached: the dashboard session is over all the same.
    }
  }
  return seeOther(location, answer.cookies);
}
