/**
 * App-password mode (NEXTCLOUD_AUTH=app-password): Nextcloud never sees the
 * exchanged token, so this server checks it before it lets the stored app
 * password be used for the call. The token was just received from the IdP's
 * token endpoint over an authenticated TLS channel as this server's
 * confidential client (as with an ID token from the token endpoint, OIDC Core
 * §3.1.3.7 step 6, the channel vouches for its origin); what is checked is
 * that it says what the call needs:
 *
 * - a JWT (RFC 9068); an opaque token cannot be checked → refused;
 * - `aud` is (or contains) NEXTCLOUD_AUDIENCE (RFC 7519 §4.1.3);
 * - `scope` holds every scope of the tool (RFC 8693 §2.2.1, RFC 9068 §2.2.3);
 * - `exp` in the future, no leeway (RFC 7519 §4.1.4);
 * - `act.sub` names this server (RFC 8693 §4.1: the delegation is to us), or,
 *   for an IdP that does not set `act`, `client_id`/`azp` does.
 * Pure: the caller passes what to expect.
 */
import { decodeJwt, type JWTPayload } from "jose";
import { parseScope } from "./scopes";

export interface ExpectedExchange {
  audience: string;
  scopes: readonly string[];
  /** This server's client id at the IdP (OIDC_CLIENT_ID). */
  actor: string;
  now?: number;
}

export type ExchangeCheck = { ok: true; sub: string } | { ok: false; problem: string };

export function checkExchangedToken(accessToken: string, expected: ExpectedExchange): ExchangeCheck {
  let claims: JWTPayload & { scope?: unknown; act?: unknown; client_id?: unknown; azp?: unknown };
  try {
    claims = decodeJwt(accessToken);
  } catch {
    return { ok: false, problem: "the exchanged token is not a JWT" };
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expected.audience)) return { ok: false, problem: "the exchanged token is not meant for Nextcloud (audience)" };
  const scopes = typeof claims.scope === "string" ? parseScope(claims.scope) : [];
  const missing = expected.scopes.filter((s) => !scopes.includes(s));
  if (missing.length > 0) return { ok: false, problem: `the exchanged token lacks ${missing.join(" ")}` };
  const now = Math.floor((expected.now ?? Date.now()) / 1000);
  if (typeof claims.exp !== "number" || claims.exp <= now) return { ok: false, problem: "the exchanged token has expired" };
  const act = claims.act as { sub?: unknown } | undefined;
  const actor = act && typeof act === "object" ? act.sub : (claims.client_id ?? claims.azp);
  if (actor !== expected.actor) return { ok: false, problem: "the exchanged token does not name this server as the acting party" };
  if (typeof claims.sub !== "string" || claims.sub.length === 0) return { ok: false, problem: "the exchanged token has no subject" };
  return { ok: true, sub: claims.sub };
}
