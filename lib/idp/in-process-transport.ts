/**
 * Hands one request to the built-in IdP inside this process, without a
 * socket: the same oidc-provider (a Koa app), the same endpoints, policy and
 * client authentication as over HTTP — only the loopback round trip through
 * the web server is skipped. Used for the token, revocation and other
 * endpoint calls of this server's own OAuth client (lib/oidc/idp-client.ts)
 * and for provider documents served under another path (RFC 8414 §3
 * path-inserted metadata, lib/idp/cached-documents.ts).
 *
 * The request and response are light-my-request's (the injection library of
 * Fastify: a real `http.IncomingMessage`/`ServerResponse` pair over a mock
 * socket), not hand-built objects; the provider's Koa callback is composed
 * once per provider instance (a key rotation builds a new instance, and so a
 * new callback). The provider sees the request as if it had arrived at
 * `providerPath` under its mount (`originalUrl`/`baseUrl`, as
 * pages/api/oidc/[...path].ts sets them), so it builds the same URLs.
 *
 * A caller's AbortSignal (openid-client passes its `timeout` as one) ends the
 * wait with the signal's reason: the caller sees a timeout, never a hang.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { inject } from "light-my-request";
import type Provider from "oidc-provider";
import { stripForwardedHeaders } from "@/lib/http/forwarded-headers";

export const OIDC_MOUNT_PATH = "/api/oidc";

type Dispatch = (req: IncomingMessage, res: ServerResponse) => void;
type MountedRequest = IncomingMessage & { originalUrl?: string; baseUrl?: string; socket: { encrypted?: boolean } };

const callbacks = new WeakMap<Provider, Dispatch>();

/** The provider's Koa request listener, composed once per provider instance. */
export function providerCallback(provider: Provider): Dispatch {
  let callback = callbacks.get(provider);
  if (!callback) {
    callback = provider.callback() as Dispatch;
    callbacks.set(provider, callback);
  }
  return callback;
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
  });
}

export async function callProvider(provider: Provider, request: Request, providerPath: string): Promise<Response> {
  const callback = providerCallback(provider);
  const url = new URL(request.url);
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(request.headers);
  headers.host ??= url.host;
  // As for requests over a socket (lib/http/forwarded-headers.ts): the
  // X-Forwarded-* / Forwarded headers reach the provider only behind a trusted proxy.
  if (!provider.proxy) stripForwardedHeaders(headers);
  const path = `${providerPath}${url.search}`;
  const https = url.protocol === "https:";
  const dispatch: Dispatch = (req, res) => {
    const mounted = req as MountedRequest;
    mounted.originalUrl = `${OIDC_MOUNT_PATH}${path}`;
    mounted.baseUrl = OIDC_MOUNT_PATH;
    mounted.url = path;
    // Koa's ctx.secure reads the socket: the issuer's scheme, as a request to it would have.
    if (https) mounted.socket.encrypted = true;
    callback(req, res);
  };
  const injected = inject(dispatch, {
    method: request.method as "GET",
    url: `${OIDC_MOUNT_PATH}${path}`,
    headers,
    payload: body,
    remoteAddress: "127.0.0.1",
    validate: false,
  });
  const answer = await (request.signal ? Promise.race([injected, aborted(request.signal)]) : injected);
  const out = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, String(v));
  }
  const status = answer.statusCode;
  const empty = status === 204 || status === 304 || request.method === "HEAD";
  return new Response(empty ? null : new Uint8Array(answer.rawPayload), { status, headers: out });
}
