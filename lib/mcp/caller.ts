/**
 * Who is calling a tool, as established by the token verifier, carried to
 * tool handlers in the SDK's `extra.authInfo` (tools never read HTTP headers).
 * Tools see a CallerIdentity (user, client, scopes, expiry). The raw access
 * token stays inside AuthInfo and is handed out only by `subjectTokenOf`, for
 * the token broker's RFC 8693 exchange.
 */
import type { AuthInfo } from "@modelcontextprotocol/server";
import type { VerifiedAccessToken } from "@/lib/auth/access-token-verifier";
import { resourceScopes } from "@/lib/auth/scopes";

export interface CallerIdentity {
  /** The user (the token's `sub`). */
  sub: string;
  clientId: string;
  scopes: readonly string[];
  /** Seconds since the epoch. */
  expiresAt: number;
  /** True only on a test instance with MCP_INSECURE_DISABLE_AUTH. */
  authDisabled: boolean;
}

interface CallerExtra {
  sub: string;
  authDisabled: boolean;
}

export function authInfoFromToken(verified: VerifiedAccessToken, token: string, resource: string): AuthInfo {
  const extra: CallerExtra = { sub: verified.sub, authDisabled: false };
  return {
    token,
    clientId: verified.clientId,
    scopes: [...verified.scopes],
    expiresAt: verified.expiresAt,
    resource: new URL(resource),
    extra: { ...extra },
  };
}

/** The fixed principal of an auth-disabled test instance: every MCP scope, clearly marked. */
export const AUTH_DISABLED_SUB = "auth-disabled-test-user";

export function authDisabledAuthInfo(resource: string): AuthInfo {
  const extra: CallerExtra = { sub: AUTH_DISABLED_SUB, authDisabled: true };
  return {
    token: "",
    clientId: "auth-disabled",
    scopes: resourceScopes("mcp"),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    resource: new URL(resource),
    extra: { ...extra },
  };
}

export class MissingCallerError extends Error {
  constructor() {
    super("This request carries no verified identity.");
    this.name = "MissingCallerError";
  }
}

export function callerFromAuthInfo(authInfo: AuthInfo | undefined): CallerIdentity {
  const sub = authInfo?.extra?.sub;
  if (!authInfo || typeof sub !== "string" || sub.length === 0) throw new MissingCallerError();
  return Object.freeze({
    sub,
    clientId: authInfo.clientId,
    scopes: Object.freeze([...authInfo.scopes]),
    expiresAt: authInfo.expiresAt ?? 0,
    authDisabled: authInfo.extra?.authDisabled === true,
  });
}

/** The caller's MCP access token, as the subject token of a token exchange (RFC 8693 §2.1). For the broker only. */
export function subjectTokenOf(authInfo: AuthInfo): string {
  if (authInfo.extra?.authDisabled === true || authInfo.token.length === 0) throw new MissingCallerError();
  return authInfo.token;
}
