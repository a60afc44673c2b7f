/**
 * Nextcloud files over WebDAV (RFC 4918), under /remote.php/dav/files/{user}/:
 * PROPFIND (depth 0/1), GET with a size limit, PUT (If-Match / If-None-Match
 * on overwrite, RFC 9110 §13.1), MKCOL, DELETE, MOVE and COPY (Destination
 * and Overwrite, RFC 4918 §10.3, §10.6). Every path goes through
 * normalizeDavPath first; the user segment comes from resolveDavUser.
 */
import { nextcloudBaseUrl } from "./nextcloud-base-url";
import { NextcloudRequestError } from "./nextcloud-request";
import { davFilesUrlPath, displayDavPath, normalizeDavPath } from "./normalize-dav-path";
import { parseMultistatus, PROPFIND_BODY, type DavEntry } from "./parse-multistatus";
import { quoteEtag } from "./notes-client";
import { resolveDavUser } from "./resolve-dav-user";
import { resolveNextcloudUrl, sendNextcloudRequest, type NextcloudConnection } from "./send-nextcloud-request";

export type { DavEntry } from "./parse-multistatus";

const PROPFIND_HEADERS = { "content-type": "application/xml; charset=utf-8" };

async function target(connection: NextcloudConnection, path: string) {
  const segments = normalizeDavPath(path);
  const userId = await resolveDavUser(connection);
  return { segments, userId, display: displayDavPath(segments) };
}

async function propfind(connection: NextcloudConnection, userId: string, segments: string[], depth: 0 | 1, subject: string): Promise<DavEntry[]> {
  const response = await sendNextcloudRequest(connection, {
    api: "webdav",
    method: "PROPFIND",
    path: davFilesUrlPath(userId, segments),
    headers: { ...PROPFIND_HEADERS, depth: String(depth) },
    body: PROPFIND_BODY,
    context: { subject },
  });
  if (response.status !== 207) throw new NextcloudRequestError("unexpected", `Nextcloud answered PROPFIND with HTTP ${response.status} instead of 207.`);
  return parseMultistatus(new TextDecoder().decode(response.body), userId);
}

const samePath = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => s === b[i]);

/** The item at `path` (file or folder). */
export async function statItem(connection: NextcloudConnection, path: string): Promise<DavEntry> {
  const { segments, userId, display } = await target(connection, path);
  const entries = await propfind(connection, userId, segments, 0, display);
  const entry = entries.find((e) => samePath(e.segments, segments)) ?? entries[0];
  if (!entry) throw new NextcloudRequestError("unexpected", `Nextcloud sent no properties for ${display}.`);
  return entry;
}

/** The folder at `path` and what is directly inside it (depth 1). */
export async function listDirectory(connection: NextcloudConnection, path: string): Promise<{ directory: DavEntry; entries: DavEntry[] }> {
  const { segments, userId, display } = await target(connection, path);
  const all = await propfind(connection, userId, segments, 1, display);
  const directory = all.find((e) => samePath(e.segments, segments));
  if (!directory) throw new NextcloudRequestError("unexpected", `Nextcloud sent no properties for ${display}.`);
  if (directory.type !== "directory") throw new NextcloudRequestError("invalid", `${display} is a file, not a folder.`);
  return { directory, entries: all.filter((e) => e !== directory) };
}

export interface ReadFileResult {
  path: string;
  bytes: Uint8Array;
  /** True when the file is larger than the limit and only its beginning was read. */
  truncated: boolean;
  /** The whole file's size when Nextcloud said it (Content-Length / OC size). */
  size: number | null;
  contentType: string | null;
  etag: string | null;
}

export async function readFile(connection: NextcloudConnection, path: string, maxBytes: number): Promise<ReadFileResult> {
  const { segments, userId, display } = await target(connection, path);
  if (segments.length === 0) throw new NextcloudRequestError("invalid", "The root is a folder; give a file path.");
  const response = await sendNextcloudRequest(connection, {
    api: "webdav",
    method: "GET",
    path: davFilesUrlPath(userId, segments),
    context: { subject: display },
    maxResponseBytes: maxBytes,
    truncateResponse: true,
  });
  // sabre answers GET on a folder with 200, an empty text/html body and no ETag (measured on
  // Nextcloud 32); a file always has an ETag. That answer is a folder, not an empty file.
  if (response.body.byteLength === 0 && !response.headers.get("etag") && /^text\/html/i.test(response.headers.get("content-type") ?? "")) {
    throw new NextcloudRequestError("invalid", `${display} is a folder, not a file; list it instead.`);
  }
  const length = Number(response.headers.get("content-length") ?? response.headers.get("oc-size") ?? Number.NaN);
  return {
    path: display,
    bytes: response.body,
    truncated: response.truncated,
    size: Number.isFinite(length) ? length : response.truncated ? null : response.body.byteLength,
    contentType: response.headers.get("content-type")?.split(";")[0]?.trim() || null,
    etag: response.headers.get("etag"),
  };
}

export interface WriteFileOptions {
  /** Overwrite only if the file is still at this version (If-Match). */
  etag?: string;
  /** Refuse to overwrite an existing file (If-None-Match: *). */
  createOnly?: boolean;
  contentType?: string;
}

export async function writeFile(connection: NextcloudConnection, path: string, body: Uint8Array | string, options: WriteFileOptions = {}): Promise<{ path: string; created: boolean; etag: string | null; fileId: string | null }> {
  const { segments, userId, display } = await target(connection, path);
  if (segments.length === 0) throw new NextcloudRequestError("invalid", "Cannot write to the root folder itself; give a file path.");
  const headers: Record<string, string> = { "content-type": options.contentType ?? "application/octet-stream" };
  if (options.etag !== undefined) headers["if-match"] = quoteEtag(options.etag);
  if (options.createOnly) headers["if-none-match"] = "*";
  const response = await sendNextcloudRequest(connection, {
    api: "webdav",
    method: "PUT",
    path: davFilesUrlPath(userId, segments),
    headers,
    body,
    context: {
      subject: display,
      overrides: {
        // Measured on Nextcloud 32 (sabre/dav): a missing parent folder is 404, a folder at the path 409
        // ("PUT is not allowed on non-files").
        404: { failure: "not_found", message: `The folder that should contain ${display} does not exist; create it first. Nothing was written.` },
        409: { failure: "conflict", message: `${display} is a folder; nothing was written.` },
        ...(options.createOnly && options.etag === undefined
          ? { 412: { failure: "conflict" as const, message: `${display} already exists; nothing was written. Pass its etag to overwrite it.` } }
          : {}),
      },
    },
  });
  return { path: display, created: response.status === 201, etag: response.headers.get("oc-etag") ?? response.headers.get("etag"), fileId: response.headers.get("oc-fileid") };
}

export async function createDirectory(connection: NextcloudConnection, path: string): Promise<{ path: string }> {
  const { segments, userId, display } = await target(connection, path);
  if (segments.length === 0) throw new NextcloudRequestError("conflict", "The root folder always exists.");
  await sendNextcloudRequest(connection, {
    api: "webdav",
    method: "MKCOL",
    path: davFilesUrlPath(userId, segments, true),
    context: {
      subject: display,
      overrides: {
        // RFC 4918 §9.3.1: 405 when the URL is already mapped, 409 when a parent is missing.
        405: { failure: "conflict", message: `${display} already exists; nothing was created.` },
        409: { failure: "conflict", message: `The parent folder of ${display} does not exist; create it first.` },
      },
    },
  });
  return { path: display };
}

/**
 * Deletes a file or folder. `etag` (If-Match) is for files only: sabre/dav
 * compares If-Match against files' ETags, so a folder with `If-Match: <its
 * getetag>` is always 412 on Nextcloud (measured), and a folder is deleted
 * with no precondition.
 */
export async function deleteItem(connection: NextcloudConnection, path: string, options: { etag?: string; directory?: boolean } = {}): Promise<{ path: string }> {
  const { segments, userId, display } = await target(connection, path);
  if (segments.length === 0) throw new NextcloudRequestError("invalid", "Refusing to delete your whole root folder.");
  if (options.directory && options.etag !== undefined) {
    throw new NextcloudRequestError("invalid", `${display} is a folder: Nextcloud checks etags on files only, so a folder cannot be deleted "only at this version". Delete it without an etag.`);
  }
  const headers: Record<string, string> = {};
  if (options.etag !== undefined) headers["if-match"] = quoteEtag(options.etag);
  await sendNextcloudRequest(connection, { api: "webdav", method: "DELETE", path: davFilesUrlPath(userId, segments), headers, context: { subject: display } });
  return { path: display };
}

export async function transferItem(
  connection: NextcloudConnection,
  method: "MOVE" | "COPY",
  from: string,
  to: string,
  options: { overwrite?: boolean } = {},
): Promise<{ from: string; to: string; overwritten: boolean }> {
  const source = await target(connection, from);
  const destination = normalizeDavPath(to);
  const toDisplay = displayDavPath(destination);
  if (source.segments.length === 0) throw new NextcloudRequestError("invalid", `Cannot ${method.toLowerCase()} your root folder.`);
  if (destination.length === 0) throw new NextcloudRequestError("invalid", "The destination cannot be the root folder itself; name the new item.");
  if (samePath(source.segments, destination)) throw new NextcloudRequestError("invalid", "The source and the destination are the same.");
  if (source.segments.every((s, i) => destination[i] === s)) throw new NextcloudRequestError("invalid", `Cannot ${method.toLowerCase()} a folder into itself.`);
  // RFC 4918 §10.3: Destination is an absolute URI on the same server.
  const destinationUrl = resolveNextcloudUrl(connection.baseUrl ?? nextcloudBaseUrl(), davFilesUrlPath(source.userId, destination)).href;
  const overwrite = options.overwrite ?? false;
  const response = await sendNextcloudRequest(connection, {
    api: "webdav",
    method,
    path: davFilesUrlPath(source.userId, source.segments),
    headers: { destination: destinationUrl, overwrite: overwrite ? "T" : "F" },
    context: {
      subject: source.display,
      overrides: {
        // RFC 4918 §9.8.5 / §9.9.4: 412 = destination exists and Overwrite is F; 409 = its parent is missing.
        412: { failure: "conflict", message: `${toDisplay} already exists; nothing was changed. Set overwrite to replace it.` },
        409: { failure: "conflict", message: `The folder that should contain ${toDisplay} does not exist; create it first. Nothing was changed.` },
      },
    },
  });
  return { from: source.display, to: toDisplay, overwritten: response.status === 204 };
}
