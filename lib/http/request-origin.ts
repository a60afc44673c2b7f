/**
 * DNS-rebinding protection for the MCP endpoint (MCP 2025-11-25 transports,
 * "Security Warning": servers MUST validate the Origin header).
 * - Host: the request must be addressed to this app's public host (APP_URL).
 *   A rebound DNS name (evil.example → 127.0.0.1) arrives with the attacker's
 *   host name. Behind a trusted proxy (TRUST_PROXY) the first X-Forwarded-Host
 *   is the public host.
 * - Origin: when a browser sends one, it must be this app's origin or one of
 *   ALLOWED_ORIGINS; the opaque origin "null" is never trusted. Requests
 *   without Origin come from non-browser clients and pass.
 */
import type { Config } from "@/lib/config";

export type OriginDecision = { ok: true; origin: string | null } | { ok: false; problem: string };

type OriginConfig = Pick<Config, "APP_URL" | "ALLOWED_ORIGINS" | "TRUST_PROXY">;

export function trustedOrigins(config: Pick<Config, "APP_URL" | "ALLOWED_ORIGINS">): Set<string> {
  const origins = new Set([new URL(config.APP_URL).origin]);
  for (const entry of config.ALLOWED_ORIGINS ?? []) {
    if (URL.canParse(entry)) origins.add(new URL(entry).origin);
  }
  return origins;
}

/** host[:port] as URL normalises it for APP_URL's scheme (default port dropped, lower case). */
function normaliseHost(host: string, protocol: string): string | undefined {
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(host)) return undefined;
  try {
    const url = new URL(`${protocol}//${host}`);
    return url.pathname === "/" && !url.username && !url.search ? url.host : undefined;
  } catch {
    return undefined;
  }
}

export function checkRequestOrigin(headers: Headers, config: OriginConfig): OriginDecision {
  const app = new URL(config.APP_URL);
  const forwarded = config.TRUST_PROXY ? headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const rawHost = forwarded || headers.get("host") || "";
  const host = normaliseHost(rawHost, app.protocol);
  if (host !== app.host) return { ok: false, problem: "the Host header does not name this server" };

  const origin = headers.get("origin");
  if (origin === null) return { ok: true, origin: null };
  if (!trustedOrigins(config).has(origin)) return { ok: false, problem: "requests from this Origin are not allowed" };
  return { ok: true, origin };
}
