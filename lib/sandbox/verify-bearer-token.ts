/**
 * The bearer check of Nextcloud's user_oidc app, as the sandbox applies it:
 *
 * - `Authorization: Bearer <jwt>` (RFC 6750 §2.1), nothing else.
 * - JWS signature against the issuer's published keys, asymmetric algorithms
 *   only: `none` and HMAC (`HS*`, the "public key as shared secret"
 *   confusion) are refused before any key is looked at (RFC 8725 §3.1, §2.1).
 * - `iss` = the configured issuer, `aud` contains the Nextcloud audience
 *   (RFC 7519 §4.1.1, §4.1.3): a token minted for the MCP server is refused.
 * - `exp` required and in the future, `nbf` honoured, both with a small skew
 *   (RFC 7519 §4.1.4, §4.1.5); `sub` required (it becomes the user id).
 * - `typ` is not required (user_oidc does not check it, and external IdPs
 *   such as Keycloak send "JWT"): the audience check is what keeps ID tokens
 *   and MCP access tokens out.
 *
 * The scope an API needs is checked by the caller (route table).
 */
import { errors, jwtVerify, type JWTPayload } from "jose";
import { parseScope } from "@/lib/auth/scopes";
import { IssuerUnavailableError, type IssuerKeys } from "./issuer-keys";

export const ACCEPTED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
const CLOCK_SKEW_SECONDS = 30;
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
    ({ payload } = await jwtVerify(token, options.keys.resolve, {
      algorithms: ACCEPTED_ALGORITHMS,
      issuer: options.keys.issuer,
      audience: options.audience,
      requiredClaims: ["exp", "sub"],
      clockTolerance: CLOCK_SKEW_SECONDS,
    }));
  } catch (error) {
    if (error instanceof IssuerUnavailableError) throw new BearerTokenError("the identity provider's keys could not be fetched", 503);
    throw new BearerTokenError(describe(error));
  }
  if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > 255) {
    throw new BearerTokenError("the token's sub claim is invalid");
  }
  // RFC 9068 §2.2.3 / RFC 8693 §4.2: a space-delimited string.
  const scopes = typeof payload.scope === "string" ? parseScope(payload.scope) : [];
  return { sub: payload.sub, scopes, claims: payload };
}
