/**
 * WebDAV under /remote.php/dav/files/{user}/, executed by webdav-server (a
 * real WebDAV implementation) on the caller's own file system. Before a
 * request reaches it, this front adds what Nextcloud does and
 * webdav-server does not:
 *
 * - {user} must be the token's user: any other name is 404, whatever the
 *   method (the other user's tree is not even on the same server object);
 * - Destination (MOVE/COPY, RFC 4918 §10.3) must lie inside the same user's
 *   files: anything else — another user, another host — is 403;
 * - If-Match / If-None-Match (RFC 9110 §13.1.1-2) on PUT, DELETE, MOVE and
 *   COPY → 412, checked and executed under the user's write lock;
 * - quota (507 Insufficient Storage) and an upload size cap (413);
 * - ETag, OC-ETag and OC-FileId on PUT/GET answers, 204 for an overwrite;
 * - the oc:/nc: namespace URIs in PROPFIND/PROPPATCH bodies are rewritten
 *   to the "oc:"/"nc:" names the file system gives Nextcloud's properties
 *   (nextcloud-file-system.ts explains why);
 * - items other users shared with the caller (the OCS Share API,
 *   sharing/shares-route.ts) appear in the caller's root under their name,
 *   as Nextcloud's files_sharing mounts a share at its file_target (default
 *   share_folder "/"; a taken name becomes "name (2).ext"): PROPFIND lists
 *   and stats them with the owner's etag, file id and size, GET reads the
 *   owner's bytes; the moment the share is removed they are gone (404). In
 *   the sandbox they are read-only (a write is 403), whatever the share's
 *   permissions.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { escapeXmlText } from "@/lib/nextcloud/parse-xml";
import type { SandboxRoute } from "../route-table";
import type { SandboxUsers } from "../sandbox-users";
import { BodyTooLargeError, readRequestBody } from "../read-request-body";
import { sendSabreError } from "./sabre-error";
import type { ShareMount, UserFileServers, UserFiles } from "./user-file-servers";

export const DAV_FILES_PATH = "/remote.php/dav/files";
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const MAX_XML_BODY_BYTES = 1024 * 1024;
const READ = ["files.read"];
const WRITE = ["files.write"];
const WRITES = new Set(["PUT", "MKCOL", "DELETE", "MOVE", "COPY", "PROPPATCH", "LOCK", "UNLOCK"]);

/** Decoded segments of a raw path, or undefined when an escape is malformed. */
function decodeSegments(raw: string): string[] | undefined {
  try {
    return raw.split("/").filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/**
 * RFC 9110 §13.1.1 as sabre/dav applies it: "*" matches anything that
 * exists; a list of etags matches files only — a folder has no ETag for
 * sabre, so `If-Match: <its getetag>` on a folder always fails (412,
 * measured on Nextcloud 32).
 */
function ifMatchFails(header: string | undefined, current: { etag: string; isDirectory: boolean } | undefined): boolean {
  if (header === undefined) return false;
  if (current === undefined) return true;
  if (header.trim() === "*") return false;
  if (current.isDirectory) return true;
  const bare = current.etag.replace(/^"|"$/g, "");
  return !header.split(",").some((t) => t.trim().replace(/^W\//, "").replace(/^"|"$/g, "") === bare);
}

function rewriteNamespaces(body: Buffer): Buffer {
  return Buffer.from(
    body
      .toString("utf8")
      .replace(/(["'])http:\/\/owncloud\.org\/ns\1/g, "$1oc:$1")
      .replace(/(["'])http:\/\/nextcloud\.org\/ns\1/g, "$1nc:$1"),
  );
}

export function userFilesRoute(users: SandboxUsers, servers: UserFileServers): SandboxRoute {
  users.addUsageProvider((userId) => servers.usedBytes(userId));
  return {
    name: "WebDAV files",
    path: DAV_FILES_PATH,
    match: "prefix",
    api: "webdav",
    scopes: {
      OPTIONS: READ, GET: READ, HEAD: READ, PROPFIND: READ,
      PUT: WRITE, MKCOL: WRITE, DELETE: WRITE, MOVE: WRITE, COPY: WRITE, PROPPATCH: WRITE, LOCK: WRITE, UNLOCK: WRITE,
    },
    sendError: sendSabreError,
    async handle({ req, res, url, subpath, user }) {
      const method = req.method ?? "GET";
      const fail = (status: number, message: string) => sendSabreError(req, res, url, { status, message });
      const [owner, ...rest] = subpath.split("/").filter(Boolean);
      const decoded = decodeSegments(rest.join("/"));
      if (!decoded || owner === undefined) return fail(404, "File not found");
      // An encoded separator or dot segment ("..%2f", "%2e%2e") is never a name.
      if (decoded.some((s) => s === "." || s === ".." || s.includes("/") || s.includes("\\"))) return fail(400, "Invalid path");
      // Another user's files do not exist for this caller; only their root answers PROPFIND, with an
      // empty collection stub, as Nextcloud does (measured: 207, no children, no properties of theirs).
      if (decodeSegments(owner)?.[0] !== user.id) {
        if (method === "PROPFIND" && decoded.length === 0) return sendForeignRootStub(res, owner);
        return fail(404, `File with name ${decoded.join("/")} could not be located`);
      }
      const mounts = servers.shareMounts(user.id);
      const mount = decoded.length > 0 ? mounts.find((m) => m.name === decoded[0]) : undefined;
      if (mount) return serveShared(servers, mount, decoded.slice(1), { req, res, url, userId: user.id });
      const files = servers.get(user.id);
      const targetPath = `/${decoded.join("/")}`;
      const rootPath = `${DAV_FILES_PATH}/${user.id}`;
      const innerUrl = `/${rest.join("/")}${subpath.endsWith("/") && rest.length > 0 ? "/" : ""}${url.search}`;

      let destinationPath: string | undefined;
      if (method === "MOVE" || method === "COPY") {
        const header = req.headers.destination;
        if (typeof header !== "string" || header === "") return fail(400, "The Destination header is missing");
        let destination: URL;
        try {
          destination = new URL(header, `http://${req.headers.host ?? "sandbox.invalid"}`);
        } catch {
          return fail(400, "The Destination header is not a URL");
        }
        const destSegments = decodeSegments(destination.pathname);
        const ownRoot = ["remote.php", "dav", "files", user.id];
        const sameHost = destination.host === (req.headers.host ?? destination.host);
        if (!destSegments || !sameHost || !ownRoot.every((s, i) => destSegments[i] === s) || destSegments.length <= ownRoot.length) {
          return fail(403, "The destination must be inside your own files");
        }
        destinationPath = `/${destSegments.slice(ownRoot.length).join("/")}`;
        req.headers.destination = destSegments.slice(ownRoot.length).map((s) => `/${encodeURIComponent(s)}`).join("");
      }

      // The front authenticated the bearer token; webdav-server would read it as failed Basic auth.
      delete req.headers.authorization;
      const run = async () => {
        const current = files.fs.describe(targetPath);
        // sabre answers GET on a folder with 200, an empty text/html body and no ETag (measured).
        if ((method === "GET" || method === "HEAD") && current?.isDirectory) {
          res.writeHead(200, { "content-type": "text/html; charset=UTF-8", "content-length": "0" });
          return void res.end();
        }
        if (method === "PUT") {
          if (current?.isDirectory) return fail(409, "PUT is not allowed on non-files.");
          const parent = files.fs.describe(`/${decoded.slice(0, -1).join("/")}`);
          if (!parent?.isDirectory) return fail(404, `File with name ${decoded.slice(0, -1).join("/")} could not be located`);
        }
        if (WRITES.has(method)) {
          if (ifMatchFails(req.headers["if-match"], current)) return fail(412, "An If-Match header was specified, but none of the specified ETags matched");
          if (req.headers["if-none-match"]?.trim() === "*" && current) return fail(412, "An If-None-Match header was specified and the resource exists");
        }
        if (method === "PUT") {
          const length = Number(req.headers["content-length"] ?? 0);
          if (length > MAX_UPLOAD_BYTES) return fail(413, `Files larger than ${MAX_UPLOAD_BYTES} bytes are not accepted by the sandbox`);
          const replaced = files.fs.describe(targetPath)?.size ?? 0;
          if (user.quotaBytes !== null && users.usedBytes(user.id) - replaced + length > user.quotaBytes) return fail(507, "Insufficient space in your quota");
        }
        let request: IncomingMessage = req;
        if (method === "PROPFIND" || method === "PROPPATCH") {
          let body: Buffer;
          try {
            body = rewriteNamespaces(await readRequestBody(req, MAX_XML_BODY_BYTES));
          } catch (error) {
            if (error instanceof BodyTooLargeError) return fail(413, "The request body is too large");
            throw error;
          }
          request = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
            url: innerUrl,
            method,
            headers: { ...req.headers, "content-length": String(body.length) },
          }) as unknown as IncomingMessage;
        } else {
          req.url = innerUrl;
        }
        // The caller's root lists the items shared with them too.
        const extra = method === "PROPFIND" && decoded.length === 0 && req.headers.depth === "1" && mounts.length > 0 ? mounts.map((m) => sharedResponses(servers, user.id, m, [], 0)).join("") : undefined;
        await execute(files, request, res, rootPath, method, destinationPath ?? targetPath, extra);
      };
      await (WRITES.has(method) ? files.exclusive(run) : run());
    },
  };
}

function sendForeignRootStub(res: ServerResponse, owner: string): void {
  res.writeHead(207, { "content-type": "application/xml; charset=utf-8" });
  res.end(`<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:response><d:href>${escapeXmlText(`${DAV_FILES_PATH}/${owner}/`)}</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>
`);
}

const SHARED_MIME: Record<string, string> = { md: "text/markdown", txt: "text/plain", csv: "text/csv", html: "text/html", htm: "text/html", pdf: "application/pdf", png: "image/png", jpg: "image/jpeg" };
const hrefOf = (segments: readonly string[], directory: boolean) => `${segments.map((s) => `/${encodeURIComponent(s)}`).join("")}${directory ? "/" : ""}`;

/**
 * The multistatus responses of a shared item (and, depth 1, its children) at its place in the
 * recipient's files; namespaces declared on each response, so they can join any multistatus.
 */
function sharedResponses(servers: UserFileServers, userId: string, mount: ShareMount, rest: readonly string[], depth: number): string {
  const owner = servers.get(mount.owner).fs;
  const ownerPath = [mount.path, ...rest].join("/");
  const parent = ownerPath.slice(0, ownerPath.lastIndexOf("/")) || "/";
  const self = owner.listTree(parent, 1).find((i) => i.path === ownerPath);
  if (!self) return "";
  const items = [self, ...(self.isDirectory && depth > 0 ? owner.listTree(ownerPath, 1) : [])];
  const permissions = `SM${mount.permissions & 16 ? "R" : ""}G${mount.permissions & 2 ? (self.isDirectory ? "NV" : "NVW") : ""}`;
  return items
    .map((item) => {
      const below = item.path.slice(mount.path.length).split("/").filter(Boolean);
      const name = item.path.split("/").pop() ?? "";
      const ext = name.includes(".") ? name.split(".").pop()!.toLowerCase() : "";
      const props = [
        `<d:getlastmodified>${new Date(item.lastModified).toUTCString()}</d:getlastmodified>`,
        `<d:getetag>${escapeXmlText(item.etag)}</d:getetag>`,
        item.isDirectory ? "<d:resourcetype><d:collection/></d:resourcetype>" : "<d:resourcetype/>",
        ...(item.isDirectory ? [] : [`<d:getcontentlength>${item.size}</d:getcontentlength>`, `<d:getcontenttype>${SHARED_MIME[ext] ?? "application/octet-stream"}</d:getcontenttype>`]),
        `<oc:fileid>${item.fileId}</oc:fileid>`,
        `<oc:id>${String(item.fileId).padStart(8, "0")}ocsandbox</oc:id>`,
        `<oc:size>${item.size}</oc:size>`,
        `<oc:permissions>${permissions}</oc:permissions>`,
        `<oc:owner-id>${escapeXmlText(mount.owner)}</oc:owner-id>`,
        `<oc:favorite>0</oc:favorite>`,
      ].join("");
      const href = `${DAV_FILES_PATH}/${encodeURIComponent(userId)}${hrefOf([mount.name, ...below], item.isDirectory)}`;
      return `<d:response xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:href>${escapeXmlText(href)}</d:href><d:propstat><d:prop>${props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
    })
    .join("");
}

/** A request inside an item shared with the caller: read from the owner's files, never written. */
async function serveShared(
  servers: UserFileServers,
  mount: ShareMount,
  rest: readonly string[],
  { req, res, url, userId }: { req: IncomingMessage; res: ServerResponse; url: URL; userId: string },
): Promise<void> {
  const method = req.method ?? "GET";
  const fail = (status: number, message: string) => sendSabreError(req, res, url, { status, message });
  const ownerFiles = servers.get(mount.owner);
  const ownerPath = [mount.path, ...rest].join("/");
  const item = ownerFiles.fs.describe(ownerPath);
  if (!item) return fail(404, `File with name ${[mount.name, ...rest].join("/")} could not be located`);
  if (method === "PROPFIND") {
    const depth = req.headers.depth ?? "infinity";
    if (depth !== "0" && depth !== "1") return fail(403, "Depth infinity is not allowed");
    try {
      await readRequestBody(req, MAX_XML_BODY_BYTES); // every live property is answered whatever was asked
    } catch (error) {
      if (error instanceof BodyTooLargeError) return fail(413, "The request body is too large");
      throw error;
    }
    res.writeHead(207, { "content-type": "application/xml; charset=utf-8" });
    return void res.end(`<?xml version="1.0"?>\n<d:multistatus xmlns:d="DAV:">${sharedResponses(servers, userId, mount, rest, depth === "1" ? 1 : 0)}</d:multistatus>\n`);
  }
  if (method === "GET" || method === "HEAD") {
    if (item.isDirectory) {
      res.writeHead(200, { "content-type": "text/html; charset=UTF-8", "content-length": "0" });
      return void res.end();
    }
    delete req.headers.authorization;
    req.url = `${hrefOf(ownerPath.split("/").filter(Boolean), false)}${url.search}`;
    return execute(ownerFiles, req, res, `${DAV_FILES_PATH}/${mount.owner}`, method, ownerPath);
  }
  if (method === "OPTIONS") {
    res.writeHead(200, { allow: "OPTIONS, GET, HEAD, PROPFIND", dav: "1, 3", "content-length": "0" });
    return void res.end();
  }
  return fail(403, "Items shared with you are read-only in the sandbox");
}

/**
 * Runs webdav-server on the request and resolves once the answer is sent. `extraResponses`: more
 * <d:response> elements for a PROPFIND's multistatus (the items shared with the caller, in their root).
 */
function execute(files: UserFiles, req: IncomingMessage, res: ServerResponse, rootPath: string, method: string, resultPath: string, extraResponses?: string): Promise<void> {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  if (extraResponses) appendToMultistatus(res, extraResponses);
  // Node writes implicit headers through writeHead too: the last moment to add Nextcloud's headers.
  (res as unknown as { writeHead: (...args: unknown[]) => ServerResponse }).writeHead = (status: unknown, ...args: unknown[]) => {
    if (extraResponses) {
      res.removeHeader("content-length");
      for (const arg of args) if (arg && typeof arg === "object" && !Array.isArray(arg)) for (const name of Object.keys(arg)) if (name.toLowerCase() === "content-length") delete (arg as Record<string, unknown>)[name];
    }
    let code = Number(status);
    if (code >= 200 && code < 300 && ["PUT", "GET", "HEAD", "MKCOL", "MOVE", "COPY"].includes(method)) {
      const meta = files.fs.describe(resultPath);
      if (meta) {
        res.setHeader("etag", meta.etag);
        res.setHeader("oc-etag", meta.etag);
        res.setHeader("oc-fileid", `${String(meta.fileId).padStart(8, "0")}ocsandbox`);
      }
    }
    // Nextcloud answers an overwriting PUT, and a DELETE, with 204 No Content.
    if ((method === "PUT" || method === "DELETE") && code === 200) {
      code = 204;
      res.statusMessage = "No Content";
      res.removeHeader("content-length");
    }
    return writeHead(code, ...args);
  };
  return new Promise<void>((resolve) => {
    res.once("finish", () => resolve());
    res.once("close", () => resolve());
    files.server.executeRequest(req, res, rootPath);
  });
}

/** Buffers the body and puts `responses` before the closing multistatus tag (no tag: the body is sent as it was). */
function appendToMultistatus(res: ServerResponse, responses: string): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const toBuffer = (chunk: unknown, encoding?: unknown) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"));
  (res as unknown as { write: (chunk: unknown, ...rest: unknown[]) => boolean }).write = (chunk, ...rest) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(toBuffer(chunk, rest[0]));
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  };
  (res as unknown as { end: (...args: unknown[]) => ServerResponse }).end = (...args: unknown[]) => {
    const [chunk, encoding] = args;
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(toBuffer(chunk, encoding));
    const body = Buffer.concat(chunks).toString("utf8");
    const close = /<\/([A-Za-z][\w.-]*:)?multistatus>\s*$/.exec(body);
    const out = close ? `${body.slice(0, close.index)}${responses}${body.slice(close.index)}` : body;
    if (!res.headersSent) res.removeHeader("content-length");
    write(out);
    return end();
  };
}
