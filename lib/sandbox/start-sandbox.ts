/**
 * The Nextcloud sandbox: a small plain-Node HTTP server that stands in for a
 * Nextcloud in tests and demos (when NEXTCLOUD_URL is unset). It is labelled
 * a sandbox everywhere a person or a client can see it (`Server` header,
 * the page at `/`, status.php's product name).
 *
 * Every API request passes the same front before its handler runs:
 * route → method → bearer token (verify-bearer-token.ts, as user_oidc) →
 * `OCS-APIRequest` for OCS routes → the scopes the route needs for the
 * method. Errors come in the API's own format (route.sendError).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatScope, missingScopes } from "@/lib/auth/scopes";
import { log } from "@/lib/log";
import { DavBackend, type DavBackendOptions } from "./dav/dav-backend";
import { FaultInjector } from "./fault-injection";
import { IssuerKeys } from "./issuer-keys";
import { nextcloudAppRoutes } from "./nextcloud-app-routes";
import { sendOcsError } from "./ocs-response";
import { matchRoute, type SandboxRoute } from "./route-table";
import { getCurrentUserRoute } from "./routes/get-current-user";
import { renderBanner } from "./render-banner";
import { SandboxUsers } from "./sandbox-users";
import { TokenLog } from "./token-log";
import { BearerTokenError, verifyBearerToken } from "./verify-bearer-token";

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The issuer whose tokens Nextcloud trusts (its metadata gives the JWKS). */
  issuer: string;
  /** The audience Nextcloud accepts (NEXTCLOUD_AUDIENCE). */
  audience?: string;
  /** Skip discovery and read the keys from here. */
  jwksUrl?: string;
  /** Test only: keep accepted tokens' claims and serve them at /__sandbox/seen. */
  recordTokens?: boolean;
  jwksRefetchCooldownMs?: number;
  /** More APIs (the files issue adds Notes and WebDAV). */
  routes?: readonly SandboxRoute[];
  /** Calendars and contacts (Radicale, started on first use; lib/sandbox/dav). */
  dav?: DavBackendOptions;
}

export interface Sandbox {
  url: string;
  issuer: string;
  audience: string;
  keys: IssuerKeys;
  users: SandboxUsers;
  seen: TokenLog;
  /** Test-only: arm HTTP faults (no route exposes this). */
  faults: FaultInjector;
  close(): Promise<void>;
}

export const SEEN_PATH = "/__sandbox/seen";
export const SANDBOX_VERSION = "30.0.0 (sandbox)";

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(text);
}

/** RFC 6750 §3: the challenge; without credentials the error attribute is left out (§3.1). */
function challenge(error?: { code: string; description?: string; scope?: string }): string {
  const parts = ['Bearer realm="Nextcloud sandbox"'];
  if (error) {
    parts.push(`error="${error.code}"`);
    if (error.description) parts.push(`error_description="${error.description.replace(/["\\]/g, "")}"`);
    if (error.scope) parts.push(`scope="${error.scope}"`);
  }
  return parts.join(", ");
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const audience = options.audience ?? "nextcloud";
  const host = options.host ?? "127.0.0.1";
  const keys = new IssuerKeys({ issuer: options.issuer, jwksUrl: options.jwksUrl, refetchCooldownMs: options.jwksRefetchCooldownMs });
  const users = new SandboxUsers();
  const seen = new TokenLog();
  const faults = new FaultInjector();
  const dav = new DavBackend(options.dav);
  const routes: SandboxRoute[] = [getCurrentUserRoute, ...nextcloudAppRoutes(users), ...dav.routes(), ...(options.routes ?? [])];

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    const match = matchRoute(routes, url.pathname);
    if (!match) {
      if (url.pathname.startsWith("/ocs/")) return sendOcsError(req, res, url, { status: 404, message: "Invalid query, please check the syntax. API specifications are here: http://www.freedesktop.org/wiki/Specifications/open-collaboration-services." });
      return sendText(res, 404, "Not found (Nextcloud sandbox)");
    }
    const { route, subpath } = match;
    const needed = route.scopes[method];
    if (!needed) {
      const allow = Object.keys(route.scopes).join(", ");
      return route.sendError(req, res, url, { status: 405, message: `${method} is not supported here`, headers: { allow } });
    }

    let token;
    try {
      token = await verifyBearerToken(req.headers.authorization, { keys, audience });
    } catch (error) {
      if (!(error instanceof BearerTokenError)) throw error;
      const sent = Boolean(req.headers.authorization);
      if (error.status === 503) return route.sendError(req, res, url, { status: 503, message: `Nextcloud sandbox: ${error.message}` });
      return route.sendError(req, res, url, {
        status: 401,
        message: `Current user is not logged in: ${error.message}`,
        headers: { "www-authenticate": challenge(sent ? { code: "invalid_token", description: error.message } : undefined) },
      });
    }

    const where = { method, path: url.pathname };
    if (route.requireOcsHeader && req.headers["ocs-apirequest"] !== "true") {
      if (options.recordTokens) seen.record(token, where, "missing_ocs_header");
      // Nextcloud refuses API calls without this header as a CSRF risk.
      return route.sendError(req, res, url, { status: 401, message: "CSRF check failed: send the header OCS-APIRequest: true" });
    }
    const missing = missingScopes(needed, token.scopes);
    if (missing.length > 0) {
      if (options.recordTokens) seen.record(token, where, "insufficient_scope");
      return route.sendError(req, res, url, {
        status: 403,
        message: `This token lacks the scope ${formatScope(missing)}, which ${method} ${url.pathname} needs (it has: ${formatScope(token.scopes) || "none"})`,
        headers: { "www-authenticate": challenge({ code: "insufficient_scope", scope: formatScope(needed) }) },
      });
    }
    if (options.recordTokens) seen.record(token, where, "served");
    const user = users.fromToken(token);
    await route.handle({ req, res, url, subpath, user, token, users });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("server", "nextcloud-sandbox");
    res.setHeader("x-nextcloud-sandbox", "true");
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://sandbox.invalid");
    } catch {
      return sendText(res, 400, "Bad request");
    }
    const method = req.method ?? "GET";
    if ((url.pathname === "/" || url.pathname === "/index.php") && method === "GET") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" });
      return void res.end(renderBanner({ issuer: options.issuer, audience, routes }));
    }
    if (url.pathname === "/status.php" && method === "GET") {
      return sendJson(res, 200, {
        installed: true,
        maintenance: false,
        needsDbUpgrade: false,
        version: "30.0.0.0",
        versionstring: SANDBOX_VERSION,
        edition: "",
        productname: "Nextcloud sandbox",
        extendedSupport: false,
      });
    }
    if (url.pathname === SEEN_PATH && options.recordTokens) {
      if (method === "GET") return sendJson(res, 200, { tokens: seen.list() });
      if (method === "DELETE") {
        seen.clear();
        return sendJson(res, 200, { tokens: [] });
      }
      return sendText(res, 405, "Method not allowed", { allow: "GET, DELETE" });
    }
    if (faults.intercept(req, res, url)) return;
    return handleApi(req, res, url);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error("nextcloud sandbox: request failed", { path: req.url?.split("?")[0], error: (error as Error).message });
      if (!res.headersSent) sendText(res, 500, "Internal error (Nextcloud sandbox)");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    issuer: options.issuer,
    audience,
    keys,
    users,
    seen,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }).finally(() => dav.close()),
  };
}
