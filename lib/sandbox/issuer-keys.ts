/**
 * The identity provider's signing keys, as Nextcloud's user_oidc app gets
 * them (user_oidc lib/Service/DiscoveryService.php, obtainJWK): discover the
 * issuer's metadata, fetch its `jwks_uri`, and keep the key set for a fixed
 * lifetime — one hour in user_oidc (INVALIDATE_JWKS_CACHE_AFTER_SECONDS) —
 * with **no refetch when a token names an unknown key id**: such a token is
 * refused until the cache expires or the admin re-saves the provider
 * (`occ user_oidc:provider` clears the cache; here: invalidate()). Measured on
 * user_oidc 8.10.1 (issue 13). This is the rule the built-in IdP's staged key
 * rotation (lib/idp/keys.ts) is tested against.
 *
 * Discovery is lazy (first token) and a failure is not cached: the IdP may
 * start after the sandbox (`npm run dev` starts both).
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWTHeaderParameters, type FlattenedJWSInput } from "jose";

export interface IssuerKeysOptions {
  issuer: string;
  /** Skip discovery and use this JWKS URL. */
  jwksUrl?: string;
  /** How long a fetched key set is used before it is fetched again (default one hour, as user_oidc). */
  cacheTtlMs?: number;
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
  private readonly configuredJwksUrl: string | undefined;
  private readonly cacheTtlMs: number;
  private readonly timeoutMs: number;
  private keySet: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = 0;
  private inFlight: Promise<void> | undefined;
  /** How many times the key set was fetched (observability and tests). */
  fetchCount = 0;

  constructor(options: IssuerKeysOptions) {
    this.issuer = options.issuer;
    this.jwksUrl = options.jwksUrl;
    this.configuredJwksUrl = options.jwksUrl;
    this.cacheTtlMs = options.cacheTtlMs ?? 3_600_000;
    this.timeoutMs = options.fetchTimeoutMs ?? 5_000;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        // user_oidc reads the discovery document again whenever it refetches the key set.
        this.jwksUrl = this.configuredJwksUrl ?? (await discoverJwksUri(this.issuer, this.timeoutMs));
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

  /** Forget the cached key set (what re-saving the provider in user_oidc does). */
  invalidate(): void {
    this.keySet = undefined;
    this.fetchedAt = 0;
    this.jwksUrl = this.configuredJwksUrl;
  }

  /** A jose key resolver: the cached key for the token's `kid`; an unknown kid is refused, not refetched. */
  readonly resolve = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    if (!this.keySet || Date.now() - this.fetchedAt >= this.cacheTtlMs) await this.refresh();
    return this.keySet!(header, token);
  };
}
