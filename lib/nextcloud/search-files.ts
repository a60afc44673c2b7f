/**
 * Search by name, as Nextcloud's own clients do: a SEARCH request (RFC 5323
 * DASL, `basicsearch` grammar) on /remote.php/dav/ whose scope is the
 * user's files (or a folder below), with a case-insensitive `like` on
 * `displayname` and a result limit. The literal's wildcards are escaped so
 * the query matches as typed ("100%" finds "100%.txt", not everything).
 */
import { davFilesUrlPath, displayDavPath, normalizeDavPath } from "./normalize-dav-path";
import { NextcloudRequestError } from "./nextcloud-request";
import { ENTRY_PROPS, parseMultistatus, type DavEntry } from "./parse-multistatus";
import { escapeXmlText, NC_NS, OC_NS } from "./parse-xml";
import { resolveDavUser } from "./resolve-dav-user";
import { sendNextcloudRequest, type NextcloudConnection } from "./send-nextcloud-request";

export const MAX_SEARCH_RESULTS = 200;

/** RFC 5323 §5.15.1: in `like`, "%" and "_" are wildcards and "\" escapes them. */
export function likeLiteral(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function searchRequestBody(scopeHref: string, query: string, limit: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<d:searchrequest xmlns:d="DAV:" xmlns:oc="${OC_NS}" xmlns:nc="${NC_NS}">
  <d:basicsearch>
    <d:select>${ENTRY_PROPS}</d:select>
    <d:from><d:scope><d:href>${escapeXmlText(scopeHref)}</d:href><d:depth>infinity</d:depth></d:scope></d:from>
    <d:where><d:like><d:prop><d:displayname/></d:prop><d:literal>${escapeXmlText(likeLiteral(query))}</d:literal></d:like></d:where>
    <d:orderby/>
    <d:limit><d:nresults>${limit}</d:nresults></d:limit>
  </d:basicsearch>
</d:searchrequest>`;
}

export async function searchFiles(connection: NextcloudConnection, options: { query: string; path?: string; limit?: number }): Promise<{ scope: string; entries: DavEntry[] }> {
  const query = options.query.trim();
  if (query.length === 0) throw new NextcloudRequestError("invalid", "Give a name (or part of one) to search for.");
  const segments = normalizeDavPath(options.path ?? "/");
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 50)), MAX_SEARCH_RESULTS);
  const userId = await resolveDavUser(connection);
  // The scope is relative to the DAV root: /files/{user}/<folder>.
  const scopeHref = davFilesUrlPath(userId, segments).replace(/^\/remote\.php\/dav/, "").replace(/\/$/, "");
  const response = await sendNextcloudRequest(connection, {
    api: "webdav",
    method: "SEARCH",
    path: "/remote.php/dav/",
    headers: { "content-type": "text/xml; charset=utf-8" },
    body: searchRequestBody(scopeHref, query, limit),
    context: { subject: `The folder ${displayDavPath(segments)}` },
  });
  if (response.status !== 207) throw new NextcloudRequestError("unexpected", `Nextcloud answered SEARCH with HTTP ${response.status} instead of 207.`);
  const entries = parseMultistatus(new TextDecoder().decode(response.body), userId).filter((e) => e.segments.length > 0);
  return { scope: displayDavPath(segments), entries: entries.slice(0, limit) };
}
