/**
 * The transport every typed Nextcloud client (notes, WebDAV) uses: one
 * request with the caller's Nextcloud token, a per-attempt timeout, bounded
 * retries for idempotent requests (retry-policy.ts), a cap on what is read
 * back, and errors a person can act on (nextcloud-error-for-status.ts).
 * The path is always resolved under the Nextcloud base URL: an absolute URL
 * or a protocol-relative path is refused, so a crafted path can never send
 * the token elsewhere.
 *
 * Before anything is sent, the request must be one the token's scopes reach
 * (api-scopes.ts, the one table; deny by default). Then the credential:
 * NEXTCLOUD_AUTH=bearer sends the exchanged token; app-password sends Basic
 * auth with the app password, decrypted here for this request only
 * (nextcloud-credential.ts) — and only for a connection whose exchanged token
 * the provisioning guard has checked (lib/mcp/check-exchanged-token.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { decodeJwt } from "jose";
import { bearerHeader, isExpired, type NextcloudToken } from "@/lib/tokens/token-types";
import { getConfig } from "@/lib/config";
import { decideApiScope } from "./api-scopes";
import { classifyRefusal } from "./classify-refusal";
import { headersForApi, type NextcloudApi } from "./nextcloud-api";
import { nextcloudBaseUrl } from "./nextcloud-base-url";
import { nextcloudErrorForStatus, type StatusContext } from "./nextcloud-error-for-status";
import { openCredentialForSending, type NextcloudCredential } from "./nextcloud-credential";
import { NextcloudRequestError } from "./nextcloud-request";
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy";

export interface NextcloudConnection {
  /** The call's exchanged token: its scopes decide what may be reached; in bearer mode it is also what is sent. */
  token: NextcloudToken;
  /** NEXTCLOUD_AUTH=app-password: the app password to send instead (opaque; only this module opens it). */
  credential?: NextcloudCredential;
  /** Default: NEXTCLOUD_URL or the sandbox (nextcloudBaseUrl()). */
  baseUrl?: string;
  /** Aborted when the tool call is cancelled. */
  signal?: AbortSignal;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export interface NextcloudHttpRequest {
  /** Which kind of Nextcloud API: decides the headers every such request carries (nextcloud-api.ts). */
  api: NextcloudApi;
  method: string;
  /** Absolute path (already percent-encoded) and query under the base URL. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** For error messages (what was asked for) and status meanings specific to the operation. */
  context?: StatusContext;
  /** Statuses besides 2xx that are an answer, not a failure (e.g. 412 read by the caller). */
  acceptStatuses?: readonly number[];
  /** Larger bodies are an error (default 8 MiB)... */
  maxResponseBytes?: number;
  /** ...unless the caller wants the first bytes only: the rest is left unread and `truncated` set. */
  truncateResponse?: boolean;
}

export interface NextcloudHttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  truncated: boolean;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Enough of a refusal's body to tell its reason (classify-refusal.ts); the rest is never read. */
const REFUSAL_SNIPPET_BYTES = 4 * 1024;

/** The token's own `exp` when it is a JWT (the broker's expiresAt is the exchange's expires_in). */
function tokenExpired(token: NextcloudToken): boolean {
  try {
    const { exp } = decodeJwt(token.accessToken);
    if (typeof exp === "number") return exp * 1000 <= Date.now();
  } catch {
    // An opaque token: fall back to what the broker recorded.
  }
  return isExpired(token, 0);
}

async function refusalSnippet(response: Response): Promise<string> {
  try {
    const { body } = await readBody(response, REFUSAL_SNIPPET_BYTES, true);
    return new TextDecoder().decode(body);
  } catch {
    return "";
  }
}
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export function resolveNextcloudUrl(baseUrl: string, path: string): URL {
  // A path must be a path: "//host" or "https://host" would change the origin.
  if (!path.startsWith("/") || path.startsWith("//") || /[\s\\]/.test(path)) {
    throw new NextcloudRequestError("invalid", "Refused to send a request to an invalid Nextcloud path.");
  }
  const base = new URL(baseUrl);
  const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, "")}${path}`);
  if (url.origin !== base.origin) throw new NextcloudRequestError("invalid", "Refused to send a request outside Nextcloud.");
  return url;
}

async function readBody(response: Response, limit: number, truncate: boolean): Promise<{ body: Uint8Array; truncated: boolean }> {
  if (!response.body) return { body: new Uint8Array(), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      await reader.cancel();
      if (!truncate) throw new NextcloudRequestError("too_large", `Nextcloud's answer is larger than ${limit} bytes, more than this server reads.`);
      chunks.push(value.subarray(0, limit - size));
      size = limit;
      truncated = true;
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { body, truncated };
}

/** The path below the base URL (a Nextcloud in a sub-folder), for the scope table. */
function pathBelowBase(baseUrl: string, url: URL): string {
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, "");
  return basePath && url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : url.pathname;
}

/** api-scopes.ts: the token's scopes must reach the request (and a MOVE/COPY's Destination). */
function checkApiScope(baseUrl: string, url: URL, method: string, request: NextcloudHttpRequest, scopes: readonly string[]): void {
  const refuse = (what?: string) =>
    new NextcloudRequestError("forbidden", `This server did not send the request: this call's access does not reach ${what ?? "that part of Nextcloud"}.`, undefined, "scope_not_granted");
  const decision = decideApiScope(request.api, method, pathBelowBase(baseUrl, url), scopes);
  if (!decision.allowed) throw refuse(decision.rule?.what);
  const destination = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === "destination")?.[1];
  if (destination !== undefined) {
    let target: URL;
    try {
      target = new URL(destination, url);
    } catch {
      throw refuse();
    }
    if (target.origin !== url.origin || !decideApiScope(request.api, method, pathBelowBase(baseUrl, target), scopes).allowed) throw refuse();
  }
}

async function authorizationFor(connection: NextcloudConnection): Promise<string> {
  if (connection.credential) return openCredentialForSending(connection.credential);
  // Fail closed: in app-password mode a connection without the credential is a programming error, not a reason to send the token.
  if (getConfig().NEXTCLOUD_AUTH === "app-password") throw new NextcloudRequestError("invalid", "No Nextcloud app password is connected for this call.");
  return bearerHeader(connection.token);
}

export async function sendNextcloudRequest(connection: NextcloudConnection, request: NextcloudHttpRequest): Promise<NextcloudHttpResponse> {
  const baseUrl = connection.baseUrl ?? nextcloudBaseUrl();
  const url = resolveNextcloudUrl(baseUrl, request.path);
  const method = request.method.toUpperCase();
  checkApiScope(baseUrl, url, method, request, connection.token.scopes);
  const policy = connection.retry ?? DEFAULT_RETRY_POLICY;
  const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers = { ...headersForApi(request.api), ...request.headers, authorization: await authorizationFor(connection) };
  const body: BodyInit | undefined = typeof request.body === "string" || request.body === undefined ? request.body : new Uint8Array(request.body).buffer;

  for (let attempt = 1; ; attempt++) {
    const signal = connection.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), connection.signal]) : AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, redirect: "manual", signal });
    } catch (error) {
      if (connection.signal?.aborted) throw new NextcloudRequestError("unavailable", "The request to Nextcloud was cancelled.");
      if ((error as Error).name === "TimeoutError") {
        throw new NextcloudRequestError("unavailable", `Nextcloud did not answer within ${Math.round(timeoutMs / 1000)} s; try again later.`);
      }
      const decision = decideRetry({ method, attempt, status: undefined, policy });
      if (decision.retry) {
        await sleep(decision.delayMs, undefined, { signal: connection.signal }).catch(() => undefined);
        continue;
      }
      throw new NextcloudRequestError("unavailable", `Nextcloud at ${url.origin} cannot be reached right now; try again later.`);
    }

    const accepted = (response.status >= 200 && response.status < 300) || (request.acceptStatuses ?? []).includes(response.status);
    if (accepted) {
      const { body, truncated } = await readBody(response, request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, request.truncateResponse ?? false);
      return { status: response.status, headers: response.headers, body, truncated };
    }
    const refusalBody = response.status === 401 || response.status === 412 ? await refusalSnippet(response) : "";
    await response.body?.cancel().catch(() => undefined);
    const decision = decideRetry({ method, attempt, status: response.status, retryAfter: response.headers.get("retry-after"), policy });
    if (decision.retry) {
      await sleep(decision.delayMs, undefined, { signal: connection.signal }).catch(() => undefined);
      if (connection.signal?.aborted) throw new NextcloudRequestError("unavailable", "The request to Nextcloud was cancelled.");
      continue;
    }
    if (response.status >= 300 && response.status < 400) {
      throw new NextcloudRequestError("unexpected", `Nextcloud answered with a redirect (HTTP ${response.status}); check NEXTCLOUD_URL.`, response.status);
    }
    throw nextcloudErrorForStatus(response.status, request.context, decision.waitMs, {
      refusal: classifyRefusal(response.status, refusalBody),
      tokenExpired: response.status === 401 && !connection.credential && tokenExpired(connection.token),
    });
  }
}

/** The body as JSON, or an error that says Nextcloud's answer was not what this API returns. */
export function jsonBody(response: NextcloudHttpResponse): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(response.body)) as unknown;
  } catch {
    throw new NextcloudRequestError("unexpected", "Nextcloud sent an answer that is not JSON.");
  }
}
