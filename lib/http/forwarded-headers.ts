/**
 * X-Forwarded-* and Forwarded headers say who the client is and which URL it
 * used — but any client can send them. They are honoured only behind a proxy
 * the operator controls (TRUST_PROXY=true). Otherwise they are removed from
 * every incoming request before Next.js (or oidc-provider) sees it; Next.js
 * then fills X-Forwarded-For/-Proto/-Host from the socket itself, so the
 * per-IP login rate limit keys on the real peer address.
 */
import http from "node:http";

const GUARD = Symbol.for("nextcloud-mcp.forwarded-header-guard");
const FORWARDED = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"];

export function stripForwardedHeaders(headers: http.IncomingHttpHeaders): void {
  for (const name of FORWARDED) delete headers[name];
}

/** Installs the guard once per process (idempotent). */
export function installForwardedHeaderGuard(): void {
  const proto = http.Server.prototype as http.Server & { [GUARD]?: true };
  if (proto[GUARD]) return;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function guardedEmit(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request" && args[0] instanceof http.IncomingMessage) stripForwardedHeaders(args[0].headers);
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
  proto[GUARD] = true;
}
