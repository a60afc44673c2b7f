/**
 * The sandbox's APIs as a table: each route names its path (exact or a
 * prefix), the scopes each HTTP method needs, which kind of Nextcloud API
 * it is (that decides Nextcloud's CSRF/CORS rules, see start-sandbox.ts),
 * how its errors look, and its handler.
 * The front (start-sandbox.ts) does the bearer and scope checks before a
 * handler runs, so an API added later (Notes, WebDAV) only declares its
 * scopes and never sees an unauthenticated request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxUser, SandboxUsers } from "./sandbox-users";
import type { AcceptedToken } from "./verify-bearer-token";

export interface ErrorReply {
  status: number;
  /** Safe to show: never contains a token or an internal error. */
  message: string;
  headers?: Record<string, string>;
}

export interface SandboxRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path below the route's own (prefix routes), e.g. "/alice/notes.md". */
  subpath: string;
  user: SandboxUser;
  token: AcceptedToken;
  users: SandboxUsers;
}

export interface SandboxRoute {
  name: string;
  path: string;
  match: "exact" | "prefix";
  /** Scopes per HTTP method; a method that is not listed gets 405. */
  scopes: Readonly<Partial<Record<string, readonly string[]>>>;
  /**
   * `ocs`: Nextcloud's CSRF check (412 unless `OCS-APIRequest: true` or a
   * correctly spelled `Bearer`); `app`: a `#[CORS]` app API (401 "CORS
   * requires basic auth" without `OCS-APIRequest: true`); `webdav`: sabre
   * (401 with a Basic challenge).
   */
  api: "ocs" | "app" | "webdav";
  /** Renders an error in this API's own format (OCS envelope, JSON, WebDAV XML). */
  sendError(req: IncomingMessage, res: ServerResponse, url: URL, error: ErrorReply): void;
  handle(request: SandboxRequest): Promise<void> | void;
}

export interface RouteMatch {
  route: SandboxRoute;
  subpath: string;
}

/** The most specific route for a (decoded-free, raw) path: exact beats prefix, longer prefix beats shorter. */
export function matchRoute(routes: readonly SandboxRoute[], pathname: string): RouteMatch | undefined {
  let best: RouteMatch | undefined;
  for (const route of routes) {
    const base = route.path.replace(/\/+$/, "");
    let subpath: string | undefined;
    if (route.match === "exact") {
      if (pathname === route.path) return { route, subpath: "" };
      continue;
    }
    if (pathname === base) subpath = "";
    else if (pathname.startsWith(`${base}/`)) subpath = pathname.slice(base.length);
    if (subpath !== undefined && (!best || base.length > best.route.path.replace(/\/+$/, "").length)) best = { route, subpath };
  }
  return best;
}
