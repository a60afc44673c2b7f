/**
 * CalDAV (RFC 4791) and CardDAV (RFC 6352) on Nextcloud's paths, served by
 * Radicale. The sandbox front has already checked the bearer token and the
 * scope (calendar.* / contacts.*) before a request gets here; this route
 * then allows the caller's own homes only, maps the path onto Radicale
 * (dav-path-mapping.ts), names the user in X-Remote-User, and maps hrefs in
 * the answer back.
 *
 * Where Radicale and Nextcloud (sabre/dav) answer differently in a way a
 * client may rely on, the sandbox answers as Nextcloud does:
 * - another user's home or calendar is 404 Sabre\DAV\Exception\NotFound
 *   (Nextcloud's own CalDAV feature tests, "Accessing a not shared calendar
 *   of another user", build/integration/features/caldav.feature; Radicale
 *   would say 403);
 * - errors are sabre's XML (<d:error><s:exception>…), not Radicale's plain
 *   text, and never echo Radicale's body;
 * - XML answers are `application/xml; charset=utf-8` (Radicale: text/xml);
 * - hrefs are Nextcloud paths, also in Location headers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxRoute } from "../route-table";
import { BodyTooLargeError, readRequestBody } from "../read-request-body";
import { sendSabreError } from "../webdav/sabre-error";
import type { DavBackend } from "./dav-backend";
import { ADDRESSBOOKS_ROOT, CALENDARS_ROOT, nextcloudHrefToRadicale, nextcloudToRadicale, radicaleHrefToNextcloud, rewriteHrefs } from "./dav-path-mapping";
import { RadicaleUnavailableError } from "./radicale-process";

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const FORWARDED_REQUEST_HEADERS = ["content-type", "depth", "if-match", "if-none-match", "prefer", "brief", "accept"];
const FORWARDED_RESPONSE_HEADERS = ["etag", "last-modified", "dav", "allow", "content-type"];

const MESSAGES: Record<number, string> = {
  400: "The request is not valid CalDAV/CardDAV",
  403: "Access to this resource is forbidden",
  404: "Node could not be found",
  405: "This method is not allowed here",
  409: "Conflict: the parent collection does not exist or the item clashes with another",
  412: "An If-Match or If-None-Match header did not match",
  413: "The request body is too large",
  415: "The content is not valid iCalendar/vCard",
};

function isXml(contentType: string | null): boolean {
  return /\b(?:application|text)\/xml\b/i.test(contentType ?? "");
}

async function forward(backend: DavBackend, req: IncomingMessage, res: ServerResponse, url: URL, userId: string, email: string | null, radicalePath: string): Promise<void> {
  const fail = (status: number, message: string, headers?: Record<string, string>) => sendSabreError(req, res, url, { status, message, headers });
  let body: Buffer;
  try {
    body = await readRequestBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return fail(413, MESSAGES[413]!);
    throw error;
  }
  let server;
  try {
    server = await backend.server();
    await backend.ensureUser(userId, email);
  } catch (error) {
    // 501 Not Implemented, as sabre answers for a feature the server lacks: a client can tell it from "down for a moment".
    if (error instanceof RadicaleUnavailableError) return fail(501, error.message);
    throw error;
  }
  const headers: Record<string, string> = { "x-remote-user": userId };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  const method = req.method ?? "GET";
  const forwardedBody = body.length === 0 ? undefined : isXml(headers["content-type"] ?? null) || method === "REPORT" ? rewriteHrefs(body.toString("utf8"), nextcloudHrefToRadicale) : new Uint8Array(body);
  let response: Response;
  try {
    response = await fetch(`${server.url}${radicalePath}${url.search}`, { method, headers, body: forwardedBody, redirect: "manual", signal: AbortSignal.timeout(30_000) });
  } catch {
    // Radicale stopped or hangs: answer as Nextcloud does when a backend is down, and start afresh next time.
    await backend.reset();
    return fail(503, "The calendar and contacts store is unavailable right now");
  }

  if (response.status >= 400) {
    await response.body?.cancel();
    if (response.status >= 500) return fail(503, "The calendar and contacts store is unavailable right now");
    return fail(response.status, MESSAGES[response.status] ?? `The request failed (HTTP ${response.status})`);
  }
  const out: Record<string, string> = {};
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) out[name] = value;
  }
  const location = response.headers.get("location");
  if (location) out.location = radicaleHrefToNextcloud(new URL(location, server.url).pathname);
  if (isXml(response.headers.get("content-type"))) {
    const text = rewriteHrefs(await response.text(), radicaleHrefToNextcloud);
    out["content-type"] = "application/xml; charset=utf-8";
    res.writeHead(response.status, out);
    return void res.end(method === "HEAD" ? undefined : text);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, out);
  res.end(method === "HEAD" ? undefined : bytes);
}

function route(backend: DavBackend, name: string, path: string, read: string, write: string): SandboxRoute {
  const readScopes = [read];
  const writeScopes = [write];
  const davRoute: SandboxRoute & { api: "webdav" } = {
    // sabre/dav's rules (no OCS CSRF header; 401 with a challenge), for a route table that tells API kinds apart.
    api: "webdav",
    name,
    path,
    match: "prefix",
    scopes: { PROPFIND: readScopes, REPORT: readScopes, GET: readScopes, HEAD: readScopes, PUT: writeScopes, DELETE: writeScopes, MKCALENDAR: writeScopes, MKCOL: writeScopes, PROPPATCH: writeScopes },
    sendError: sendSabreError,
    async handle({ req, res, url, user }) {
      const mapped = nextcloudToRadicale(url.pathname);
      // Only the caller's own homes exist for them (Nextcloud: 404, never "forbidden", for another user's).
      if (!mapped || mapped.userId !== user.id) return sendSabreError(req, res, url, { status: 404, message: MESSAGES[404]! });
      return forward(backend, req, res, url, user.id, user.email, mapped.radicalePath);
    },
  };
  return davRoute;
}

export function davProxyRoutes(backend: DavBackend): SandboxRoute[] {
  return [
    route(backend, "CalDAV calendars (Radicale)", CALENDARS_ROOT, "calendar.read", "calendar.write"),
    route(backend, "CardDAV address books (Radicale)", ADDRESSBOOKS_ROOT, "contacts.read", "contacts.write"),
  ];
}
