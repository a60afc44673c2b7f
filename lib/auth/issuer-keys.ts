/**
 * The verification keys of the trusted issuer, found through its metadata:
 * OpenID Connect Discovery (`<issuer>/.well-known/openid-configuration`,
 * OIDC Discovery §4) and, failing that, RFC 8414 §3.1's path-inserted
 * `/.well-known/oauth-authorization-server<path>`. The metadata must name the
 * same issuer (RFC 8414 §3.3; OIDC Discovery §4.3) before its `jwks_uri` is
 * trusted.
 *
 * Keys come from jose's remote JWK Set: cached, refetched when a token names
 * an unknown `kid`, but at most once per cooldown, so a flood of tokens with
 * made-up key ids cannot turn into a flood of requests to the IdP.
 */
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";
import { z } from "zod";

export interface IssuerKeyOptions {
  fetch?: typeof globalThis.fetch;
  /** Minimum time between two JWKS fetches (unknown `kid`). */
  cooldownMs?: number;
  /** Refetch the JWKS at least this often. */
  cacheMaxAgeMs?: number;
  timeoutMs?: number;
}

export class IssuerMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IssuerMetadataError";
  }
}

const metadataSchema = z.object({ issuer: z.string(), jwks_uri: z.string().url() });

function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, "");
  return [`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`, `${url.origin}/.well-known/oauth-authorization-server${path}`];
}

async function discoverJwksUri(issuer: string, fetchFn: typeof fetch, timeoutMs: number): Promise<URL> {
  const problems: string[] = [];
  for (const candidate of metadataUrls(issuer)) {
    let response: Response;
    try {
      response = await fetchFn(candidate, { headers: { accept: "application/json" }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      problems.push(`${candidate}: ${(error as Error).message}`);
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      problems.push(`${candidate}: HTTP ${response.status}`);
      continue;
    }
    const parsed = metadataSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) {
      problems.push(`${candidate}: not authorization server metadata with a jwks_uri`);
      continue;
    }
    if (parsed.data.issuer !== issuer) {
      // A mismatch is a misconfiguration or an impersonation attempt: never fall through to another document.
      throw new IssuerMetadataError(`the metadata at ${candidate} names issuer ${parsed.data.issuer}, expected ${issuer}`);
    }
    const jwksUri = new URL(parsed.data.jwks_uri);
    const issuerProtocol = new URL(issuer).protocol;
    if (jwksUri.protocol !== "https:" && !(issuerProtocol === "http:" && jwksUri.protocol === "http:")) {
      throw new IssuerMetadataError(`the jwks_uri of ${issuer} must use https`);
    }
    return jwksUri;
  }
  throw new IssuerMetadataError(`no usable metadata for issuer ${issuer} (${problems.join("; ")})`);
}

/**
 * A jose key resolver for `issuer`. Discovery runs on first use; a failed
 * discovery is retried on a later call after the cooldown.
 */
export function createIssuerKeySource(issuer: string, options: IssuerKeyOptions = {}): JWTVerifyGetKey {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const cooldownMs = options.cooldownMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let jwks: Promise<JWTVerifyGetKey> | undefined;
  let failedAt = 0;

  const resolve = (): Promise<JWTVerifyGetKey> => {
    if (!jwks && Date.now() - failedAt >= cooldownMs) {
      jwks = discoverJwksUri(issuer, fetchFn, timeoutMs).then(
        (uri) =>
          createRemoteJWKSet(uri, {
            cooldownDuration: cooldownMs,
            cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
            timeoutDuration: timeoutMs,
            [customFetch]: (url, init) => fetchFn(url, { ...init, redirect: "manual" }),
          }),
        (error: unknown) => {
          failedAt = Date.now();
          jwks = undefined;
          throw error;
        },
      );
    }
    return jwks ?? Promise.reject(new IssuerMetadataError(`the metadata of ${issuer} could not be loaded; retrying shortly`));
  };

  return async (header, token) => (await resolve())(header, token);
}
