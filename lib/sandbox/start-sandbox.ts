/**
 * The Nextcloud sandbox: a small plain-Node HTTP server that stands in for a
 * Nextcloud in tests and demos (when NEXTCLOUD_URL is unset). It is labelled
 * a sandbox everywhere a person or a client can see it (`Server` header,
 * the page at `/`, status.php's product name).
 *
 * Every API request passes the same front before its handler runs:
 * route → method → bearer token (verify-bearer-token.ts, as user_oidc) →
 * uid mapping (sandbox-users.ts) → Nextcloud's CSRF/CORS rules for the
 * route's API kind (nextcloud-request-rules.ts) → the scopes the route needs
 * for the method. Errors come in the API's own format (route.sendError).
 * What it does is pinned, fact by fact, by
 * tests/integration/sandbox-nextcloud-contract.test.ts (measured on
 * Nextcloud 32.0.1 + user_oidc 8.10.1 + Notes 5.0.2).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatScope, missingScopes } from "@/lib/auth/scopes";
import { log } from "@/lib/log";
import { DavBackend, type DavBackendOptions } from "./dav/dav-backend";
import { FaultInjector } from "./fault-injection";
import { IssuerKeys } from "./issuer-keys";
import { APP_PASSWORD_PATH, SandboxLoginFlows } from "./login-flow";
import { nextcloudAppRoutes } from "./nextcloud-app-routes";
import { ocsFormat, sendOcs, sendOcsError } from "./ocs-response";
import { csrfRefusal, unauthenticatedHeaders } from "./nextcloud-request-rules";
import { matchRoute, type SandboxRoute } from "./route-table";
import { getCurrentUserRoute } from "./routes/get-current-user";
import { renderBanner } from "./render-banner";
import { CAPABILITIES_PATH, sendPublicCapabilities } from "./routes/capabilities";
import { SandboxApps } from "./sandbox-apps";
import { SandboxUsers, UnmappableTokenError, type UserMappingOptions } from "./sandbox-users";
import { AppPasswordLog, TokenLog } from "./token-log";
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
  /** Test only: keep accepted tokens' claims (and app-password uses) and serve them at /__sandbox/seen. */
  recordTokens?: boolean;
  /** How long the IdP's key set is cached, with no refetch on an unknown kid (default one hour, as user_oidc). */
  jwksCacheTtlMs?: number;
  /** user_oidc's provider settings: uid mapping, unique uid, quota of new users (sandbox-users.ts). */
  userMapping?: UserMappingOptions;
  /** Users (uids) who start with demo notes and files (demo-data.ts); "*": every user, on first sight. */
  seedUsers?: readonly string[];
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
  /** Test only (recordTokens): the requests served with Basic auth and a valid app password. */
  appPasswordUses: AppPasswordLog;
  /** Test-only: arm HTTP faults (no route exposes this). */
  faults: FaultInjector;
  /** Test-only: switch an optional app (Notes, Deck, sharing) off and on, as an admin would. */
  apps: SandboxApps;
  /** Login Flow v2 and app passwords (login-flow.ts). */
  loginFlows: SandboxLoginFlows;
  close(): Promise<void>;
}

export const SEEN_PATH = "/__sandbox/seen";
// The version whose behaviour the sandbox reproduces (measured: Nextcloud 32.0.1 + user_oidc 8.10.1, issue 13).
export const SANDBOX_VERSION = "32.0.1 (sandbox)";

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(text);
}

/** RFC 6750 §3.1: the insufficient_scope challenge (a sandbox addition: Nextcloud checks no scopes). */
function scopeChallenge(error: { code: string; description?: string; scope?: string }): string {
  const parts = ['Bearer realm="Nextcloud sandbox"', `error="${error.code}"`];
  if (error.scope) parts.push(`scope="${error.scope}"`);
  return parts.join(", ");
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const audience = options.audience ?? "nextcloud";
  const host = options.host ?? "127.0.0.1";
  const keys = new IssuerKeys({ issuer: options.issuer, jwksUrl: options.jwksUrl, cacheTtlMs: options.jwksCacheTtlMs });
  const users = new SandboxUsers(options.userMapping);
  const seen = new TokenLog();
  const appPasswordUses = new AppPasswordLog();
  const faults = new FaultInjector();
  const optionalApps = new SandboxApps();
  let ownUrl = "";
  const apps = nextcloudAppRoutes(users, optionalApps, () => ownUrl);
  const dav = new DavBackend(options.dav);
  const routes: SandboxRoute[] = [getCurrentUserRoute, ...apps.routes, ...dav.routes(), ...(options.routes ?? [])];
  const seedEveryone = options.seedUsers?.includes("*") ?? false;
  const loginFlows = new SandboxLoginFlows(() => ownUrl);
  await apps.seed((options.seedUsers ?? []).filter((id) => id !== "*"));

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    if (url.pathname === APP_PASSWORD_PATH && method === "DELETE") {
      if (!loginFlows.deleteFor(req.headers.authorization)) return sendOcsError(req, res, url, { status: 401, message: "Current user is not logged in" });
      return sendOcs(res, ocsFormat(url, req), { httpStatus: 200, statuscode: 200, data: [] });
    }
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

    // Basic auth with an app password (login-flow.ts): Nextcloud checks no scopes for it, and a
    // cookie-less request passes its CSRF check, so neither rule below applies.
    if (/^Basic /i.test(req.headers.authorization ?? "")) {
      const userId = loginFlows.userForBasic(req.headers.authorization);
      if (!userId) {
        return route.sendError(req, res, url, { status: 401, message: "Current user is not logged in: the app password is not valid", headers: unauthenticatedHeaders(route, req, "invalid app password") });
      }
      if (seedEveryone && !users.get(userId)) await apps.seed([userId]);
      const user = users.ensure(userId);
      user.lastLogin = Date.now();
      const basic = { sub: userId, scopes: [], claims: { sub: userId, preferred_username: userId } };
      if (options.recordTokens) appPasswordUses.record(userId, { method, path: url.pathname });
      return route.handle({ req, res, url, subpath, user, token: basic, users });
    }

    let token;
    try {
      token = await verifyBearerToken(req.headers.authorization, { keys, audience });
      // A token without the uid mapping's claim names no user: user_oidc refuses it.
      users.userIdOf(token);
    } catch (error) {
      if (!(error instanceof BearerTokenError) && !(error instanceof UnmappableTokenError)) throw error;
      if (error instanceof BearerTokenError && error.status === 503) return route.sendError(req, res, url, { status: 503, message: `Nextcloud sandbox: ${error.message}` });
      return route.sendError(req, res, url, { status: 401, message: `Current user is not logged in: ${error.message}`, headers: unauthenticatedHeaders(route, req, error.message) });
    }

    const where = { method, path: url.pathname };
    const refusal = csrfRefusal(route, req);
    if (refusal) {
      if (options.recordTokens) seen.record(token, where, refusal.outcome);
      return sendJson(res, refusal.status, { message: refusal.message });
    }
    const missing = missingScopes(needed, token.scopes);
    if (missing.length > 0) {
      if (options.recordTokens) seen.record(token, where, "insufficient_scope");
      return route.sendError(req, res, url, {
        status: 403,
        message: `This token lacks the scope ${formatScope(missing)}, which ${method} ${url.pathname} needs (it has: ${formatScope(token.scopes) || "none"})`,
        headers: { "www-authenticate": scopeChallenge({ code: "insufficient_scope", scope: formatScope(needed) }) },
      });
    }
    if (options.recordTokens) seen.record(token, where, "served");
    // "*": a user seen for the first time gets the demo data before their first request is answered.
    if (seedEveryone && !users.get(users.userIdOf(token))) await apps.seed([users.userIdOf(token)]);
    await route.handle({ req, res, url, subpath, user: users.fromToken(token), token, users });
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
        version: "32.0.1.2",
        versionstring: SANDBOX_VERSION,
        edition: "",
        productname: "Nextcloud sandbox",
        extendedSupport: false,
      });
    }
    if (url.pathname === SEEN_PATH && options.recordTokens) {
      if (method === "GET") return sendJson(res, 200, { tokens: seen.list(), appPasswordUses: appPasswordUses.list() });
      if (method === "DELETE") {
        seen.clear();
        appPasswordUses.clear();
        return sendJson(res, 200, { tokens: [], appPasswordUses: [] });
      }
      return sendText(res, 405, "Method not allowed", { allow: "GET, DELETE" });
    }
    if (faults.intercept(req, res, url)) return;
    if (await loginFlows.handle(req, res, url)) return;
    // Nextcloud answers the capabilities without a login too (only the public ones then).
    if (url.pathname === CAPABILITIES_PATH && method === "GET" && !req.headers.authorization) return sendPublicCapabilities(req, res, url);
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
  ownUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url: ownUrl,
    loginFlows,
    issuer: options.issuer,
    audience,
    keys,
    users,
    seen,
    appPasswordUses,
    faults,
    apps: optionalApps,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }).finally(() => dav.close()),
  };
}
