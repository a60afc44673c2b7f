/**
 * The IdP's discovery document and JWKS, served from memory with cache
 * headers. Nextcloud's user_oidc reads both on nearly every bearer request
 * when it has no memcache (issue 13: about twice per tool call), so they
 * must be cheap: the first request of each kind runs through oidc-provider,
 * the answer is kept per provider instance (a rotation that changes the
 * keys builds a new instance, signing-key-watch.ts, and so a new cache).
 *
 * oidc-provider builds the discovery URLs from the request (host, and the
 * X-Forwarded-* headers when TRUST_PROXY is on), so the cache key holds
 * those; it keeps a bounded number of variants so made-up Host headers cannot
 * grow memory.
 *
 * CORS is answered per request, not from the cache: oidc-provider echoes the
 * request's Origin for these public documents (no credentials), and a cached
 * echo of the first caller's Origin would break every other origin.
 *
 * `Cache-Control: public, max-age=DOCUMENT_MAX_AGE_SECONDS`: an HTTP cache in
 * front of this server may keep the JWKS that long, which is why
 * OIDC_KEY_PUBLISH_AHEAD's default covers Nextcloud's one hour plus this.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { callProvider, OIDC_MOUNT_PATH } from "./in-process-transport";

export const DOCUMENT_MAX_AGE_SECONDS = 300;
export const CACHED_DOCUMENT_PATHS = ["/.well-known/openid-configuration", "/jwks"] as const;
const MAX_VARIANTS = 32;
/** Headers set for each answer, never replayed from the cache. */
const PER_REQUEST_HEADERS = ["set-cookie", "cache-control", "content-length", "date", "connection", "keep-alive", "access-control-allow-origin", "vary"];

interface CachedAnswer {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

const caches = new WeakMap<Provider, Map<string, CachedAnswer>>();

/** The provider path of a cacheable request (`req.url` relative to the mount), or undefined. */
export function cachedDocumentPath(method: string | undefined, url: string): (typeof CACHED_DOCUMENT_PATHS)[number] | undefined {
  if (method !== "GET" && method !== "HEAD") return undefined;
  const path = url.split("?")[0];
  // A query string may change the answer (none is defined for these two): never cache it.
  if (url.includes("?")) return undefined;
  return CACHED_DOCUMENT_PATHS.find((p) => p === path);
}

function variantKey(req: IncomingMessage, path: string): string {
  const h = req.headers;
  return [path, h.host, h["x-forwarded-host"], h["x-forwarded-proto"], h["x-forwarded-port"]].map((v) => String(v ?? "")).join("\n");
}

/** Answers `req` for a cacheable document path from memory, asking the provider on a miss. */
export async function serveCachedDocument(provider: Provider, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  let cache = caches.get(provider);
  if (!cache) {
    cache = new Map();
    caches.set(provider, cache);
  }
  const key = variantKey(req, path);
  let answer = cache.get(key);
  if (!answer) {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const host = req.headers.host ?? "localhost";
    const response = await callProvider(provider, new Request(`http://${host}${OIDC_MOUNT_PATH}${path}`, { method: "GET", headers }), path);
    const body = Buffer.from(await response.arrayBuffer());
    const kept: [string, string][] = [...response.headers].filter(([name]) => !PER_REQUEST_HEADERS.includes(name));
    answer = { status: response.status, headers: kept, body };
    if (response.status === 200) {
      if (cache.size >= MAX_VARIANTS) cache.delete(cache.keys().next().value!);
      cache.set(key, answer);
    }
  }
  res.statusCode = answer.status;
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  const origin = req.headers.origin;
  res.setHeader("Access-Control-Allow-Origin", typeof origin === "string" && origin ? origin : "*");
  res.setHeader("Vary", "Origin");
  res.setHeader("Cache-Control", answer.status === 200 ? `public, max-age=${DOCUMENT_MAX_AGE_SECONDS}` : "no-store");
  res.setHeader("Content-Length", String(answer.body.length));
  res.end(req.method === "HEAD" ? undefined : answer.body);
}
