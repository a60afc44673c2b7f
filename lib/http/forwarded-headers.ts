/**
 * X-Forwarded-* and Forwarded headers say who the client is and which URL it
 * used — but any client can send them. They are honoured only behind a proxy
 * the operator controls (TRUST_PROXY=true). Otherwise they are removed from
 * every incoming request before Next.js (or oidc-provider) sees it; Next.js
 * then fills X-Forwarded-For/-Proto/-Host from the socket itself, so the
 * per-IP login rate limit keys on the real peer address.
 *
 * Hooked through Node's built-in diagnostics channel `http.server.request.start`
 * (doc/api/diagnostics_channel.md, "Built-in Channels › HTTP"; the same hook
 * lib/http/request-log.ts uses): no patching of http.Server. Node publishes it
 * synchronously in lib/_http_server.js `parserOnIncoming`, once the request's
 * headers are parsed and its ServerResponse exists, and before the server
 * emits 'checkContinue', 'checkExpectation' or 'request' — on every Node
 * version in package.json engines (20.18+, 22, 24; the channel dates from
 * nodejs/node#34895). A subscriber runs before any request listener, so
 * what Next.js reads is already clean. tests/unit/http/forwarded-headers.test.ts
 * fails if that order ever changes.
 */
import diagnosticsChannel from "node:diagnostics_channel";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { processWide } from "@/lib/process-wide";

export const FORWARDED_HEADERS: readonly string[] = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"];
const FORWARDED = new Set(FORWARDED_HEADERS);

export function stripForwardedHeaders(headers: IncomingHttpHeaders | Record<string, string>): void {
  for (const name of FORWARDED_HEADERS) delete headers[name];
}

/**
 * Removes them from a request: from `headers` and `headersDistinct` (Node
 * builds both lazily from `rawHeaders` using the header count it parsed, so
 * they are built first, from the untouched list) and then from `rawHeaders`.
 */
export function stripForwardedRequest(request: IncomingMessage): void {
  const { headers, headersDistinct } = request;
  stripForwardedHeaders(headers);
  for (const name of FORWARDED_HEADERS) delete headersDistinct[name];
  const raw = request.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (FORWARDED.has(raw[i]!.toLowerCase())) raw.splice(i, 2);
  }
}

/** Subscribes the guard once per process (idempotent). */
export function installForwardedHeaderGuard(): void {
  processWide("forwarded-header-guard", () => {
    diagnosticsChannel.subscribe("http.server.request.start", (message) => {
      stripForwardedRequest((message as { request: IncomingMessage }).request);
    });
    return true;
  });
}
