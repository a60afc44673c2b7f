/**
 * The bearer check of Nextcloud's user_oidc app (SelfEncodedValidator, as
 * measured on user_oidc 8.10.1), as the sandbox applies it:
 *
 * - `Authorization: Bearer <jwt>` (RFC 6750 §2.1; the scheme is matched
 *   case-insensitively here, Nextcloud's CSRF rule is not: start-sandbox.ts).
 * - A `kid` in the header (user_oidc refuses a token without one), and a JWS
 *   signature against the issuer's key set as user_oidc caches it
 *   (issuer-keys.ts: one hour, no refetch on an unknown kid); asymmetric
 *   algorithms only: `none` and HMAC are refused before any key is looked at
 *   (RFC 8725 §3.1, §2.1).
 * - `iss` = the configured issuer; `aud` equal to (or, as an array,
 *   containing) the provider's client id, which is the Nextcloud audience
 *   (RFC 7519 §4.1.1, §4.1.3): a token minted for the MCP server is refused.
 * - `exp` required and checked with **no leeway** (user_oidc compares
 *   `exp < time()` itself after decoding); `nbf`/`iat` with the 60 s leeway
 *   its JWT library gets (RFC 7519 §4.1.4, §4.1.5).
 * - `typ` is not required (user_oidc does not check it).
 *
 * Who the user is comes from a claim mapping (sandbox-users.ts); the scope
 * an API needs is checked by the caller (route table) — a sandbox addition
 * that Nextcloud does not make, kept so least privilege is testable.
 */
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { parseScope } from "@/lib/auth/scopes";
import { IssuerUnavailableError, type IssuerKeys } from "./issuer-keys";

export const ACCEPTED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
/** user_oidc sets JWT::$leeway = 60 for nbf/iat; exp is compared without it. */
const NBF_IAT_LEEWAY_SECONDS = 60;
const MAX_TOKEN_LENGTH = 16 * 1024;

export interface AcceptedToken {
  sub: string;
  scopes: string[];
  claims: JWTPayload & { scope?: unknown; act?: unknown; client_id?: unknown; name?: unknown; preferred_username?: unknown; email?: unknown };
}

/** Why a token was refused; `message` is safe to show (it never echoes the token). */
export class BearerTokenError extends Error {
  constructor(
    message: string,
    /** 401: not authenticated; 503: the IdP's keys could not be fetched. */
    readonly status: 401 | 503 = 401,
  ) {
    super(message);
    this.name = "BearerTokenError";
  }
}

export function bearerTokenFrom(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? "");
  return match?.[1];
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "the token is not meant for Nextcloud (audience mismatch)";
    if (error.claim === "iss") return "the token was issued by an untrusted issuer";
    if (error.claim === "nbf") return "the token is not valid yet";
    return `the token's ${error.claim} claim is invalid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's signing algorithm is not accepted";
  if (error instanceof errors.JWKSNoMatchingKey) return "the token is signed with an unknown key";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature is invalid";
  return "the token is malformed";
}

export async function verifyBearerToken(
  authorization: string | undefined,
  options: { keys: IssuerKeys; audience: string },
): Promise<AcceptedToken> {
  const token = bearerTokenFrom(authorization);
  if (!token) throw new BearerTokenError("no bearer token was sent");
  if (token.length > MAX_TOKEN_LENGTH) throw new BearerTokenError("the token is malformed");
  let payload: AcceptedToken["claims"];
  try {
    const header = decodeProtectedHeader(token);
    if (typeof header.alg !== "string" || !ACCEPTED_ALGORITHMS.includes(header.alg)) throw new BearerTokenError("the token's signing algorithm is not accepted");
    if (!header.kid) throw new BearerTokenError("the token names no signing key (kid)");
    ({ payload } = await jwtVerify(token, options.keys.resolve, {
      algorithms: ACCEPTED_ALGORITHMS,
      issuer: options.keys.issuer,
      audience: options.audience,
      requiredClaims: ["exp", "sub"],
      clockTolerance: NBF_IAT_LEEWAY_SECONDS,
    }));
  } catch (error) {
    if (error instanceof BearerTokenError) throw error;
    if (error instanceof IssuerUnavailableError) throw new BearerTokenError("the identity provider's keys could not be fetched", 503);
    throw new BearerTokenError(describe(error));
  }
  // No leeway on exp, as user_oidc (`$payload->exp < time()`).
  if (typeof payload.exp !== "number" || payload.exp < Math.floor(Date.now() / 1000)) throw new BearerTokenError("the token has expired");
  if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > 255) {
    throw new BearerTokenError("the token's sub claim is invalid");
  }
  // RFC 9068 §2.2.3 / RFC 8693 §4.2: a space-delimited string.
  const scopes = typeof payload.scope === "string" ? parseScope(payload.scope) : [];
  return { sub: payload.sub, scopes, claims: payload };
}
