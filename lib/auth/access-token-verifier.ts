/**
 * The progressive token verifier: decides whether a bearer token is an access
 * token for this MCP server, from the trusted issuer, for an enabled client.
 * Rules (each refusal names its reason for logs and tests):
 * - JWS compact only (no JWE, no unsecured JWT); header ≤ 2 KiB; an
 *   asymmetric `alg` from the allowlist (RFC 8725 §3.1: `none` and HMAC are
 *   refused, so a public key can never be used as an HMAC secret); no keys
 *   embedded in the header (`jwk`, `jku`, `x5u`, `x5c`: RFC 8725 §3.10);
 * - signature by a key of the issuer's JWKS;
 * - `iss` equals the issuer exactly; `aud` contains one of the accepted
 *   audiences (RFC 9068 §4, RFC 8707: no token passthrough, so a Nextcloud
 *   token or another service's token is refused);
 * - `exp` required and checked with no leeway (RFC 7519 §4.1.4 allows "some
 *   small leeway", which this server does not take): every tool call exchanges
 *   this token (RFC 8693) and the IdP refuses an expired subject token, so a
 *   token accepted here past its `exp` would reach the exchange and fail
 *   there as a misleading "provision again" instead of a 401 that makes the
 *   client refresh; `nbf` has 30 s of clock skew (an issuer clock slightly
 *   ahead of ours); `sub` and the
 *   client (`client_id`, else Keycloak-style `azp`) required;
 * - access tokens only: header `typ` `at+jwt` (RFC 9068 §2.1); IdPs that sign
 *   access tokens with typ `JWT` or none (Keycloak) are accepted only when the
 *   payload is access-token shaped (a `scope` claim, no `nonce`, Keycloak
 *   `typ` claim `Bearer`). An ID token (audience = client id, `nonce`, no
 *   scope) is therefore refused even when its audience is accepted;
 * - the client registry allows the client (disabled clients are refused
 *   within the registry's cache lifetime);
 * - with checkGrant (built-in IdP): the grant (`gid`) still exists, and the
 *   verified scopes are the token's `scope` ∩ the grant's current scopes.
 * Signature and registered claims are jose's jwtVerify (key selection from the
 * JWKS, key ↔ algorithm fit, RSA ≥ 2048 bits, ECDSA R||S form, `crit`; iss,
 * aud, exp/nbf); the rules above that jose does not know are checked here.
 * Verified tokens are remembered (bounded, ≤ 60 s and never past `exp`) so that
 * the same token on the next request skips the signature; time claims and the
 * client registry are checked again on every use. The memory is keyed by a
 * SHA-256 of the token, so it holds no bearer token itself.
 */
import { createHash } from "node:crypto";
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { ClientCheck } from "@/lib/auth/client-registry";
import { parseScope } from "@/lib/auth/scopes";

export const ALLOWED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"] as const;
const ALLOWED = new Set<string>(ALLOWED_ALGORITHMS);
const MAX_HEADER_SEGMENT = 2048;

export type InvalidTokenReason =
  | "malformed"
  | "too_large"
  | "algorithm"
  | "embedded_key"
  | "not_an_access_token"
  | "signature"
  | "unknown_key"
  | "issuer"
  | "audience"
  | "expired"
  | "not_yet_valid"
  | "claims"
  | "client_refused"
  | "grant_revoked";

const DESCRIPTIONS: Record<InvalidTokenReason, string> = {
  malformed: "the access token is malformed",
  too_large: "the access token is too large",
  algorithm: "the access token uses a refused signing algorithm",
  embedded_key: "the access token header carries its own key",
  not_an_access_token: "the token is not an access token",
  signature: "the access token signature is invalid",
  unknown_key: "the access token is signed with an unknown key",
  issuer: "the access token is from another issuer",
  audience: "the access token is not for this resource",
  expired: "the access token expired",
  not_yet_valid: "the access token is not valid yet",
  claims: "the access token lacks required claims",
  client_refused: "the client of this access token may not use this server",
  grant_revoked: "the authorization behind this access token was revoked",
};

export class InvalidAccessTokenError extends Error {
  constructor(
    readonly reason: InvalidTokenReason,
    readonly detail?: string,
  ) {
    super(DESCRIPTIONS[reason]);
    this.name = "InvalidAccessTokenError";
  }
}

/** The keys or the client registry could not be consulted: not the caller's fault (503). */
export class VerifierUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`token verification is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "VerifierUnavailableError";
  }
}

export interface VerifiedAccessToken {
  sub: string;
  clientId: string;
  scopes: readonly string[];
  /** Seconds since the epoch. */
  expiresAt: number;
  audience: string[];
  jti?: string;
  /** The IdP grant the token was issued under (built-in IdP: the `gid` claim). */
  grantId?: string;
  /** `iat`, seconds since the epoch, when present. */
  issuedAt?: number;
}

export interface VerifierOptions {
  issuer: string;
  audiences: readonly string[];
  keys: JWTVerifyGetKey;
  checkClient: (clientId: string) => Promise<ClientCheck>;
  /**
   * When set, every token must name its IdP grant and the grant must still
   * exist: revoking a connection then cuts off its (stateless) JWTs too.
   * An answer with `scopes` is the grant's current scope set: the token keeps
   * only the scopes both hold, so narrowing a grant takes effect on the next
   * request, not when the token expires.
   */
  checkGrant?: (grantId: string, issuedAt?: number) => Promise<boolean | { scopes: ReadonlySet<string> }>;
  clockToleranceSeconds?: number;
  maxTokenLength?: number;
  cache?: { maxEntries: number; maxAgeMs: number };
  now?: () => number;
}

export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedAccessToken>;
}

function decodeHeader(token: string): Record<string, unknown> {
  const segment = token.slice(0, token.indexOf("."));
  if (segment.length === 0 || segment.length > MAX_HEADER_SEGMENT) throw new InvalidAccessTokenError("malformed", "header size");
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    if (typeof header !== "object" || header === null || Array.isArray(header)) throw new Error("not an object");
    return header as Record<string, unknown>;
  } catch {
    throw new InvalidAccessTokenError("malformed", "header");
  }
}

function checkHeader(header: Record<string, unknown>): { atJwt: boolean } {
  if (typeof header.alg !== "string" || !ALLOWED.has(header.alg)) throw new InvalidAccessTokenError("algorithm", String(header.alg));
  if (["jwk", "jku", "x5u", "x5c"].some((k) => k in header)) throw new InvalidAccessTokenError("embedded_key");
  if (header.typ === undefined) return { atJwt: false };
  if (typeof header.typ !== "string") throw new InvalidAccessTokenError("not_an_access_token", "typ");
  // RFC 7515 §4.1.9: the "application/" prefix may be omitted; compare case-insensitively.
  const typ = header.typ.toLowerCase().replace(/^application\//, "");
  if (typ === "at+jwt") return { atJwt: true };
  if (typ === "jwt") return { atJwt: false };
  throw new InvalidAccessTokenError("not_an_access_token", `typ ${header.typ}`);
}

/** The key lookup failed: kept apart from jose's own errors, which are about the token. */
class KeyLookupError extends Error {
  constructor(readonly original: unknown) {
    super("key lookup failed");
  }
}

function mapJoseError(error: unknown): never {
  if (error instanceof InvalidAccessTokenError) throw error;
  if (error instanceof KeyLookupError) {
    const original = error.original;
    if (original instanceof joseErrors.JWKSNoMatchingKey || original instanceof joseErrors.JWKSMultipleMatchingKeys) throw new InvalidAccessTokenError("unknown_key");
    throw new VerifierUnavailableError(original);
  }
  // jose refuses a key that does not fit the algorithm (type, curve, RSA < 2048 bits) with a TypeError.
  if (error instanceof TypeError) throw new InvalidAccessTokenError("signature", error.message);
  if (error instanceof joseErrors.JWTExpired) throw new InvalidAccessTokenError("expired");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "iss") throw new InvalidAccessTokenError("issuer");
    if (error.claim === "aud") throw new InvalidAccessTokenError("audience");
    if (error.claim === "nbf") throw new InvalidAccessTokenError("not_yet_valid");
    throw new InvalidAccessTokenError("claims", error.claim);
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw new InvalidAccessTokenError("signature");
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) throw new InvalidAccessTokenError("unknown_key");
  if (error instanceof joseErrors.JOSEAlgNotAllowed) throw new InvalidAccessTokenError("algorithm");
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid || error instanceof joseErrors.JOSENotSupported) {
    throw new InvalidAccessTokenError("malformed", (error as Error).message);
  }
  // JWKS timeouts, network errors, issuer metadata problems: the IdP, not the token.
  throw new VerifierUnavailableError(error);
}

function accessTokenClaims(payload: JWTPayload, atJwt: boolean): VerifiedAccessToken {
  const sub = payload.sub;
  if (typeof sub !== "string" || sub.length === 0) throw new InvalidAccessTokenError("claims", "sub");
  if (typeof payload.exp !== "number") throw new InvalidAccessTokenError("claims", "exp");
  // OIDC Core §2: only ID tokens carry a nonce; Keycloak marks token kinds with a `typ` claim.
  if (payload.nonce !== undefined) throw new InvalidAccessTokenError("not_an_access_token", "nonce");
  if (payload.typ !== undefined && String(payload.typ).toLowerCase() !== "bearer") throw new InvalidAccessTokenError("not_an_access_token", "typ claim");
  if (payload.scope !== undefined && typeof payload.scope !== "string") throw new InvalidAccessTokenError("claims", "scope");
  if (!atJwt && payload.scope === undefined) throw new InvalidAccessTokenError("not_an_access_token", "no scope");
  const clientId = typeof payload.client_id === "string" && payload.client_id ? payload.client_id : typeof payload.azp === "string" && payload.azp ? payload.azp : undefined;
  if (!clientId) throw new InvalidAccessTokenError("claims", "client_id");
  return {
    sub,
    clientId,
    scopes: Object.freeze(parseScope(payload.scope as string | undefined)),
    expiresAt: payload.exp,
    audience: Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [],
    jti: typeof payload.jti === "string" ? payload.jti : undefined,
    grantId: typeof payload.gid === "string" && payload.gid ? payload.gid : undefined,
    issuedAt: typeof payload.iat === "number" ? payload.iat : undefined,
  };
}

export function createAccessTokenVerifier(options: VerifierOptions): AccessTokenVerifier {
  const tolerance = options.clockToleranceSeconds ?? 30;
  const maxLength = options.maxTokenLength ?? 8192;
  const cacheLimits = options.cache ?? { maxEntries: 5_000, maxAgeMs: 60_000 };
  const now = options.now ?? Date.now;
  // Keyed by SHA-256(token): the verifier keeps no bearer token in memory.
  const verified = new Map<string, { claims: VerifiedAccessToken; nbf?: number; until: number }>();
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await options.keys(header, token);
    } catch (error) {
      throw new KeyLookupError(error);
    }
  };

  async function admitClient(claims: VerifiedAccessToken): Promise<VerifiedAccessToken> {
    let check: ClientCheck;
    try {
      check = await options.checkClient(claims.clientId);
    } catch (error) {
      throw new VerifierUnavailableError(error);
    }
    if (!check.allowed) throw new InvalidAccessTokenError("client_refused", check.reason);
    if (options.checkGrant) {
      if (!claims.grantId) throw new InvalidAccessTokenError("grant_revoked", "no grant id");
      let grant: boolean | { scopes: ReadonlySet<string> };
      try {
        grant = await options.checkGrant(claims.grantId, claims.issuedAt);
      } catch (error) {
        throw new VerifierUnavailableError(error);
      }
      if (!grant) throw new InvalidAccessTokenError("grant_revoked");
      if (grant !== true && claims.scopes.some((s) => !grant.scopes.has(s))) {
        return Object.freeze({ ...claims, scopes: Object.freeze(claims.scopes.filter((s) => grant.scopes.has(s))) });
      }
    }
    return claims;
  }

  function checkTimes(claims: VerifiedAccessToken, nbf: number | undefined): void {
    const seconds = now() / 1000;
    if (claims.expiresAt <= seconds) throw new InvalidAccessTokenError("expired");
    if (nbf !== undefined && nbf > seconds + tolerance) throw new InvalidAccessTokenError("not_yet_valid");
  }

  return {
    async verify(token) {
      if (token.length > maxLength) throw new InvalidAccessTokenError("too_large");
      const cacheKey = createHash("sha256").update(token).digest("base64url");
      const hit = verified.get(cacheKey);
      if (hit) {
        if (hit.until > now()) {
          checkTimes(hit.claims, hit.nbf);
          return admitClient(hit.claims);
        }
        verified.delete(cacheKey);
      }
      if (token.split(".").length !== 3) throw new InvalidAccessTokenError("malformed", "not a JWS compact serialization");
      const header = decodeHeader(token);
      const { atJwt } = checkHeader(header);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: options.issuer,
          audience: [...options.audiences],
          algorithms: [...ALLOWED_ALGORITHMS],
          clockTolerance: tolerance,
          currentDate: new Date(now()),
          requiredClaims: ["exp"],
        }));
      } catch (error) {
        mapJoseError(error);
      }
      const claims = Object.freeze(accessTokenClaims(payload, atJwt));
      checkTimes(claims, typeof payload.nbf === "number" ? payload.nbf : undefined);
      // The token's own claims are cached; the grant's current scopes are applied on every use.
      const admitted = await admitClient(claims);
      if (verified.size >= cacheLimits.maxEntries) verified.delete(verified.keys().next().value as string);
      verified.set(cacheKey, {
        claims,
        nbf: typeof payload.nbf === "number" ? payload.nbf : undefined,
        until: Math.min(now() + cacheLimits.maxAgeMs, claims.expiresAt * 1000),
      });
      return admitted;
    },
  };
}
