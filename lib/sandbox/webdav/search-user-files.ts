/**
 * SEARCH (RFC 5323, `basicsearch`) over one user's files, as Nextcloud's
 * DAV root answers it: the scope is /files/{user}/<folder> (only the
 * caller's own), depth 1 or infinity, and the condition is built from
 * and/or/not, like/eq (displayname, getcontenttype), is-collection and
 * gt/gte/lt/lte (getcontentlength, oc:size, getlastmodified). `like` is
 * case-insensitive with "%", "_" and the "\" escape (§5.15.1). Anything else
 * is a 400 — a search that silently ignores a condition would be wrong.
 */
import { v2 } from "webdav-server";
import { childNamed, DAV_NS, escapeXmlText, OC_NS, parseXml, type XmlElement } from "@/lib/nextcloud/parse-xml";
import type { TreeItem } from "./nextcloud-file-system";
import type { UserFiles } from "./user-file-servers";

export class SearchRequestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 = 400,
  ) {
    super(message);
    this.name = "SearchRequestError";
  }
}

const MAX_RESULTS = 1_000;

interface Candidate extends TreeItem {
  name: string;
  contentType: string | null;
}

export function likeToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    else if (c === "%") source += ".*";
    else if (c === "_") source += ".";
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "is");
}

function propValue(item: Candidate, expression: XmlElement): string | number | null {
  const prop = childNamed(expression, DAV_NS, "prop")?.children[0];
  if (!prop) throw new SearchRequestError(`<${expression.local}> needs a <d:prop>`);
  const key = `${prop.ns} ${prop.local}`;
  if (key === `${DAV_NS} displayname`) return item.name;
  if (key === `${DAV_NS} getcontenttype`) return item.contentType;
  if (key === `${DAV_NS} getcontentlength` || key === `${OC_NS} size`) return item.size;
  if (key === `${DAV_NS} getlastmodified`) return Math.floor(item.lastModified / 1000);
  if (key === `${OC_NS} favorite`) return item.favorite ? 1 : 0;
  throw new SearchRequestError(`searching by ${prop.local} is not supported`);
}

function literal(expression: XmlElement): string {
  const value = childNamed(expression, DAV_NS, "literal");
  if (!value) throw new SearchRequestError(`<${expression.local}> needs a <d:literal>`);
  return value.text;
}

function matches(item: Candidate, expression: XmlElement): boolean {
  if (expression.ns !== DAV_NS) throw new SearchRequestError(`unknown condition ${expression.local}`);
  switch (expression.local) {
    case "and":
      return expression.children.every((c) => matches(item, c));
    case "or":
      return expression.children.some((c) => matches(item, c));
    case "not": {
      const [inner] = expression.children;
      if (!inner) throw new SearchRequestError("<d:not> needs a condition");
      return !matches(item, inner);
    }
    case "is-collection":
      return item.isDirectory;
    case "like": {
      const value = propValue(item, expression);
      return value !== null && likeToRegExp(literal(expression)).test(String(value));
    }
    case "eq": {
      const value = propValue(item, expression);
      return value !== null && String(value) === literal(expression);
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const value = Number(propValue(item, expression));
      const bound = /^\d+$/.test(literal(expression)) ? Number(literal(expression)) : Date.parse(literal(expression)) / 1000;
      if (!Number.isFinite(bound)) throw new SearchRequestError(`<d:${expression.local}> needs a number or a date`);
      return { gt: value > bound, gte: value >= bound, lt: value < bound, lte: value <= bound }[expression.local];
    }
  }
  throw new SearchRequestError(`unknown condition ${expression.local}`);
}

function mimeTypeOf(files: UserFiles, path: string): Promise<string | null> {
  return new Promise((resolve) => {
    files.fs.mimeType(files.server.createExternalContext(), new v2.Path(path), false, (error, type) => resolve(error ? null : (type ?? null)));
  });
}

function responseXml(userId: string, item: Candidate): string {
  const href = `/remote.php/dav/files/${[userId, ...item.path.split("/").filter(Boolean)].map(encodeURIComponent).join("/")}${item.isDirectory ? "/" : ""}`;
  const fileProps = item.isDirectory
    ? "<d:resourcetype><d:collection/></d:resourcetype>"
    : `<d:resourcetype/><d:getcontentlength>${item.size}</d:getcontentlength>${item.contentType ? `<d:getcontenttype>${escapeXmlText(item.contentType)}</d:getcontenttype>` : ""}`;
  return `<d:response><d:href>${escapeXmlText(href)}</d:href><d:propstat><d:prop>
<d:displayname>${escapeXmlText(item.name)}</d:displayname><d:getlastmodified>${new Date(item.lastModified).toUTCString()}</d:getlastmodified><d:getetag>${escapeXmlText(item.etag)}</d:getetag>${fileProps}
<oc:fileid>${item.fileId}</oc:fileid><oc:size>${item.size}</oc:size><oc:favorite>${item.favorite ? 1 : 0}</oc:favorite><oc:permissions>${item.isDirectory ? "RGDNVCK" : "RGDNVW"}</oc:permissions>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
}

/** The 207 body for a SEARCH request body, or a SearchRequestError. */
export async function searchUserFiles(files: UserFiles, userId: string, body: string): Promise<string> {
  let root: XmlElement;
  try {
    root = parseXml(body, 1024 * 1024);
  } catch (error) {
    throw new SearchRequestError((error as Error).message);
  }
  const basic = root.ns === DAV_NS && root.local === "searchrequest" ? childNamed(root, DAV_NS, "basicsearch") : undefined;
  if (!basic) throw new SearchRequestError("only the DAV:basicsearch grammar is supported");
  const scope = childNamed(childNamed(basic, DAV_NS, "from"), DAV_NS, "scope");
  const href = childNamed(scope, DAV_NS, "href")?.text.trim();
  if (!href) throw new SearchRequestError("the search needs a scope (<d:from><d:scope><d:href>)");
  let segments: string[];
  try {
    segments = new URL(href, "http://sandbox.invalid").pathname.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new SearchRequestError("the scope is not a valid path");
  }
  if (segments[0] === "remote.php" && segments[1] === "dav") segments = segments.slice(2);
  if (segments[0] !== "files" || segments[1] !== userId || segments.some((s) => s === ".." || s === ".")) {
    throw new SearchRequestError("the search scope must be inside your own files", 403);
  }
  const scopePath = `/${segments.slice(2).join("/")}`;
  // A scope folder that does not exist is 404 (measured on Nextcloud 32), not an empty result.
  if (!files.fs.describe(scopePath)?.isDirectory) throw new SearchRequestError(`the search scope ${scopePath} does not exist`, 404);
  const depthText = childNamed(scope, DAV_NS, "depth")?.text.trim().toLowerCase() ?? "infinity";
  const depth = depthText === "infinity" ? Number.POSITIVE_INFINITY : Number(depthText);
  if (!Number.isInteger(depth) && depth !== Number.POSITIVE_INFINITY) throw new SearchRequestError("the scope depth must be 0, 1 or infinity");
  const condition = childNamed(basic, DAV_NS, "where")?.children[0];
  const limitText = childNamed(childNamed(basic, DAV_NS, "limit"), DAV_NS, "nresults")?.text.trim();
  const limit = Math.min(limitText && /^\d+$/.test(limitText) ? Number(limitText) : MAX_RESULTS, MAX_RESULTS);

  const found: Candidate[] = [];
  for (const item of files.fs.listTree(scopePath, depth)) {
    const candidate: Candidate = { ...item, name: item.path.split("/").pop() ?? "", contentType: item.isDirectory ? null : await mimeTypeOf(files, item.path) };
    if (!condition || matches(candidate, condition)) found.push(candidate);
    if (found.length >= limit) break;
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns" xmlns:s="http://sabredav.org/ns">
${found.map((item) => responseXml(userId, item)).join("\n")}
</d:multistatus>
`;
}
