/**
 * A WebDAV 207 Multi-Status answer (RFC 4918 §13, §14.16) from a PROPFIND
 * or SEARCH, as Nextcloud sends it, turned into typed file entries. Only the
 * properties under a 200 propstat count (§14.22); hrefs outside the user's
 * files root are dropped. Nextcloud's own properties live in the oc:
 * (http://owncloud.org/ns) and nc: (http://nextcloud.org/ns) namespaces.
 */
import { segmentsFromHref } from "./normalize-dav-path";
import { childNamed, childrenNamed, DAV_NS, NC_NS, OC_NS, parseXml, XmlParseError, type XmlElement } from "./parse-xml";
import { NextcloudRequestError } from "./nextcloud-request";

export interface DavEntry {
  /** Segments below the user's root ([] = the root itself). */
  segments: string[];
  name: string;
  type: "file" | "directory";
  /** Bytes: getcontentlength for files, oc:size (the tree's size) for folders. */
  size: number | null;
  lastModified: string | null;
  etag: string | null;
  contentType: string | null;
  fileId: string | null;
  favorite: boolean;
  /** Nextcloud's permission letters (oc:permissions), e.g. "RGDNVW". */
  permissions: string | null;
}

/** The PROPFIND body asking for what DavEntry carries. */
export const ENTRY_PROPS = `<d:prop>
    <d:getlastmodified/><d:getetag/><d:getcontenttype/><d:getcontentlength/><d:resourcetype/>
    <oc:fileid/><oc:size/><oc:favorite/><oc:permissions/>
  </d:prop>`;

export const PROPFIND_BODY = `<?xml version="1.0" encoding="UTF-8"?>
<d:propfind xmlns:d="DAV:" xmlns:oc="${OC_NS}" xmlns:nc="${NC_NS}">
  ${ENTRY_PROPS}
</d:propfind>`;

function statusCode(propstat: XmlElement): number {
  const status = childNamed(propstat, DAV_NS, "status")?.text ?? "";
  const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(status.trim());
  return match ? Number(match[1]) : 0;
}

function numberOrNull(text: string | undefined): number | null {
  if (text === undefined || text.trim() === "") return null;
  const n = Number(text.trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function toIso(httpDate: string | undefined): string | null {
  if (!httpDate) return null;
  const ms = Date.parse(httpDate.trim());
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function parseMultistatus(xml: string, userId: string): DavEntry[] {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlParseError) throw new NextcloudRequestError("unexpected", "Nextcloud sent a WebDAV answer that is not valid XML.");
    throw error;
  }
  if (root.ns !== DAV_NS || root.local !== "multistatus") throw new NextcloudRequestError("unexpected", "Nextcloud sent a WebDAV answer that is not a multistatus.");
  const entries: DavEntry[] = [];
  for (const response of childrenNamed(root, DAV_NS, "response")) {
    const href = childNamed(response, DAV_NS, "href")?.text.trim();
    if (!href) continue;
    const segments = segmentsFromHref(href, userId);
    if (!segments) continue;
    const props = new Map<string, XmlElement>();
    for (const propstat of childrenNamed(response, DAV_NS, "propstat")) {
      if (statusCode(propstat) !== 200) continue;
      for (const prop of childrenNamed(propstat, DAV_NS, "prop")) {
        for (const p of prop.children) props.set(`{${p.ns}}${p.local}`, p);
      }
    }
    const prop = (ns: string, local: string) => props.get(`{${ns}}${local}`);
    const directory = Boolean(childNamed(prop(DAV_NS, "resourcetype"), DAV_NS, "collection")) || href.endsWith("/");
    const size = directory ? numberOrNull(prop(OC_NS, "size")?.text) : (numberOrNull(prop(DAV_NS, "getcontentlength")?.text) ?? numberOrNull(prop(OC_NS, "size")?.text));
    const etag = prop(DAV_NS, "getetag")?.text.trim();
    entries.push({
      segments,
      name: segments[segments.length - 1] ?? "",
      type: directory ? "directory" : "file",
      size,
      lastModified: toIso(prop(DAV_NS, "getlastmodified")?.text),
      etag: etag ? etag : null,
      contentType: directory ? null : prop(DAV_NS, "getcontenttype")?.text.trim() || null,
      fileId: prop(OC_NS, "fileid")?.text.trim() || null,
      favorite: (prop(OC_NS, "favorite")?.text.trim() ?? "0") === "1",
      permissions: prop(OC_NS, "permissions")?.text.trim() || null,
    });
  }
  return entries;
}
