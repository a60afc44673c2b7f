/**
 * The identity provider's signing keys, as Nextcloud's user_oidc app gets
 * them: discover the issuer's metadata, fetch its `jwks_uri`, cache the key
 * set, and fetch it again when a token names a key id the cache lacks (the
 * IdP rotated its keys) — at most once per cool-down, so a flood of tokens
 * with made-up key ids cannot turn the sandbox into a JWKS request amplifier.
 *
 * Discovery is lazy (first token) and a failure is not cached: the IdP may
 * start after the sandbox (`npm run dev` starts both).
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters, type FlattenedJWSInput } from "jose";

export interface IssuerKeysOptions {
  issuer: string;
  /** Skip discovery and use this JWKS URL. */
  jwksUrl?: string;
  /** Least time between two fetches triggered by an unknown key id (default 30 s). */
  refetchCooldownMs?: number;
  fetchTimeoutMs?: number;
}

export class IssuerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IssuerUnavailableError";
  }
}

const MAX_DOCUMENT_BYTES = 512 * 1024;

async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, redirect: "error", signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new IssuerUnavailableError(`${url} could not be fetched (${(error as Error).message})`);
  }
  if (!response.ok) throw new IssuerUnavailableError(`${url} answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new IssuerUnavailableError(`${url} returned an oversized document`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IssuerUnavailableError(`${url} did not return JSON`);
  }
}

/**
 * OpenID Connect Discovery 1.0 §4 appends the well-known path to the issuer;
 * RFC 8414 §3.1 inserts it before the issuer's path. Try both, and insist the
 * document names the configured issuer (OIDC Discovery §4.3, RFC 8414 §3.3).
 */
async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, "");
  const candidates = [`${url.origin}${path}/.well-known/openid-configuration`, `${url.origin}/.well-known/oauth-authorization-server${path}`];
  let lastError: Error | undefined;
  for (const candidate of candidates) {
    try {
      const doc = (await fetchJson(candidate, timeoutMs)) as { issuer?: unknown; jwks_uri?: unknown };
      if (doc.issuer !== issuer) throw new IssuerUnavailableError(`${candidate} names issuer ${String(doc.issuer)}, expected ${issuer}`);
      if (typeof doc.jwks_uri !== "string" || !URL.canParse(doc.jwks_uri)) throw new IssuerUnavailableError(`${candidate} has no valid jwks_uri`);
      return doc.jwks_uri;
    } catch (error) {
      lastError = error as Error;
    }
  }
  throw lastError ?? new IssuerUnavailableError(`no metadata for ${issuer}`);
}

function asKeySet(value: unknown, url: string): JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new IssuerUnavailableError(`${url} is not a JWK Set`);
  // Public keys only: a set that leaks private parameters is still usable for
  // verification, but symmetric keys never are (no shared secret with the IdP).
  return { keys: keys.filter((k): k is JSONWebKeySet["keys"][number] => typeof k === "object" && k !== null && (k as { kty?: unknown }).kty !== "oct") };
}

export class IssuerKeys {
  readonly issuer: string;
  private jwksUrl: string | undefined;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private keySet: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = 0;
  private inFlight: Promise<void> | undefined;
  /** How many times the key set was fetched (observability and tests). */
  fetchCount = 0;

  constructor(options: IssuerKeysOptions) {
    this.issuer = options.issuer;
    this.jwksUrl = options.jwksUrl;
    this.cooldownMs = options.refetchCooldownMs ?? 30_000;
    this.timeoutMs = options.fetchTimeoutMs ?? 5_000;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        this.jwksUrl ??= await discoverJwksUri(this.issuer, this.timeoutMs);
        const set = asKeySet(await fetchJson(this.jwksUrl, this.timeoutMs), this.jwksUrl);
        this.keySet = createLocalJWKSet(set);
        this.fetchedAt = Date.now();
        this.fetchCount++;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  /** A jose key resolver: the cached key for the token's `kid`, refetching once on a miss. */
  readonly resolve = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    if (!this.keySet) await this.refresh();
    try {
      return await this.keySet!(header, token);
    } catch (error) {
      const unknownKey = error instanceof errors.JWKSNoMatchingKey;
      if (!unknownKey || Date.now() - this.fetchedAt < this.cooldownMs) throw error;
      await this.refresh();
      return this.keySet!(header, token);
    }
  };
}
