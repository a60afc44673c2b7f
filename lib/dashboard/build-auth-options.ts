/**
 * next-auth 4 options for the dashboard: one OIDC provider, "idp" — the
 * configured identity provider (built-in or external) — with this server's
 * confidential client (client_secret_basic). Authorization code with PKCE
 * (S256), `state` and `nonce` (OIDC Core §3.1.2.1); scopes `openid profile
 * email` only: the dashboard never asks for a Nextcloud or MCP resource.
 *
 * The session is a JWT in an encrypted, httpOnly cookie. It keeps the ID token
 * (for RP-initiated logout's id_token_hint) and `sub`; the session object
 * handed to pages holds only the user id and name, never a token.
 */
import type { NextAuthOptions } from "next-auth";
import { log } from "@/lib/log";

export const PROVIDER_ID = "idp";
export const SIGN_IN_PATH = "/dashboard/sign-in";
export const DASHBOARD_PATH = "/dashboard";
export const SESSION_MAX_AGE_SECONDS = 8 * 3600;

export interface AuthOptionsInput {
  appUrl: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The alg the IdP signs this client's ID tokens with (OIDC Registration §2). */
  idTokenAlg: string;
  secret: string;
}

/** A same-origin path under /dashboard, or the dashboard itself: never another site (open redirect). */
export function safeDashboardPath(value: unknown, appUrl: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 512) return DASHBOARD_PATH;
  let url: URL;
  try {
    url = new URL(value, appUrl);
  } catch {
    return DASHBOARD_PATH;
  }
  if (url.origin !== new URL(appUrl).origin) return DASHBOARD_PATH;
  if (url.pathname !== DASHBOARD_PATH && !url.pathname.startsWith(`${DASHBOARD_PATH}/`)) return DASHBOARD_PATH;
  if (url.pathname.startsWith(SIGN_IN_PATH)) return DASHBOARD_PATH;
  return `${url.pathname}${url.search}`;
}

type Claims = Record<string, unknown>;

function errorMessage(metadata: unknown): string | undefined {
  const error = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
  return error instanceof Error ? error.message.slice(0, 200) : undefined;
}
const text = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v.slice(0, 200) : undefined);

export function buildAuthOptions(input: AuthOptionsInput): NextAuthOptions {
  return {
    secret: input.secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 3600 },
    useSecureCookies: input.appUrl.startsWith("https:"),
    pages: { signIn: SIGN_IN_PATH, error: SIGN_IN_PATH, signOut: DASHBOARD_PATH },
    providers: [
      {
        id: PROVIDER_ID,
        name: "Identity provider",
        type: "oauth",
        wellKnown: `${input.issuer}/.well-known/openid-configuration`,
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        authorization: { params: { scope: "openid profile email" } },
        checks: ["pkce", "state", "nonce"],
        idToken: true,
        client: { id_token_signed_response_alg: input.idTokenAlg, token_endpoint_auth_method: "client_secret_basic" },
        httpOptions: { timeout: 10_000 },
        profile(claims: Claims) {
          return { id: String(claims.sub), name: text(claims.name) ?? text(claims.preferred_username) ?? null, email: text(claims.email) ?? null };
        },
      },
    ],
    callbacks: {
      async jwt({ token, account }) {
        if (account) {
          // First sign-in: keep what logout needs; drop what pages do not.
          token.sub = account.providerAccountId;
          token.idToken = account.id_token;
          delete token.email;
          delete token.picture;
        }
        return token;
      },
      async session({ session, token }) {
        return { expires: session.expires, user: { id: token.sub, name: token.name ?? null } } as typeof session;
      },
      async redirect({ url }) {
        return `${input.appUrl}${safeDashboardPath(url, input.appUrl)}`;
      },
    },
    // next-auth's metadata can hold request bodies; only codes and messages are logged.
    logger: {
      error: (code, metadata) => log.warn("dashboard sign-in problem", { problem: code, reason: errorMessage(metadata) }),
      warn: (code) => log.warn("dashboard sign-in warning", { problem: code }),
      debug: () => {},
    },
  };
}
