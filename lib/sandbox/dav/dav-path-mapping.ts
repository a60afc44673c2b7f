/**
 * Nextcloud's CalDAV/CardDAV paths and Radicale's collections, one onto the
 * other. Nextcloud (sabre/dav) serves
 *
 *   /remote.php/dav/calendars/{uid}/{calendar}/{object}.ics
 *   /remote.php/dav/addressbooks/users/{uid}/{book}/{card}.vcf
 *   /remote.php/dav/principals/users/{uid}/
 *
 * and the sandbox keeps every user's data in Radicale below `/{uid}/`:
 *
 *   /{uid}/calendars/{calendar}/…   /{uid}/addressbooks/{book}/…   /{uid}/
 *
 * Requests go one way (nextcloudToRadicale), hrefs in answers the other
 * (radicaleHrefToNextcloud), so a client only ever sees Nextcloud's paths.
 * Paths stay percent-encoded as they came; only the {uid} segment is decoded
 * to compare it with the token's user.
 */

export type DavArea = "calendars" | "addressbooks";

export interface MappedDavPath {
  area: DavArea;
  /** The decoded {uid} segment. */
  userId: string;
  /** The Radicale path (still percent-encoded), e.g. "/alice/calendars/personal/a.ics". */
  radicalePath: string;
}

export const CALENDARS_ROOT = "/remote.php/dav/calendars";
export const ADDRESSBOOKS_ROOT = "/remote.php/dav/addressbooks/users";
export const PRINCIPALS_ROOT = "/remote.php/dav/principals/users";

function decodeSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded === "" || decoded === "." || decoded === ".." || decoded.includes("/") || decoded.includes("\\") ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/**
 * The Radicale path for a Nextcloud DAV path, or undefined when the path is
 * not a calendar or address book path (or climbs with "." / ".." segments).
 */
export function nextcloudToRadicale(pathname: string): MappedDavPath | undefined {
  let area: DavArea;
  let rest: string;
  if (pathname.startsWith(`${CALENDARS_ROOT}/`)) {
    area = "calendars";
    rest = pathname.slice(CALENDARS_ROOT.length + 1);
  } else if (pathname.startsWith(`${ADDRESSBOOKS_ROOT}/`)) {
    area = "addressbooks";
    rest = pathname.slice(ADDRESSBOOKS_ROOT.length + 1);
  } else {
    return undefined;
  }
  const segments = rest.split("/");
  const uidSegment = segments.shift() ?? "";
  const userId = decodeSegment(uidSegment);
  if (!userId) return undefined;
  // Every segment below the home must be a plain name: no "." / ".." (also encoded), no empty segment in the middle.
  for (let i = 0; i < segments.length; i++) {
    const last = i === segments.length - 1;
    if (segments[i] === "" && last) continue;
    if (!decodeSegment(segments[i]!)) return undefined;
  }
  const below = segments.join("/");
  return { area, userId, radicalePath: `/${uidSegment}/${area}/${below}` };
}

/** The Nextcloud href for a Radicale href (path only); hrefs outside the user's tree are returned unchanged. */
export function radicaleHrefToNextcloud(href: string): string {
  const match = /^\/([^/]+)\/(?:(calendars|addressbooks)(\/.*)?)?$/.exec(href);
  if (!match) return href === "/" ? "/remote.php/dav/principals/" : href;
  const [, uid, area, rest] = match;
  if (!area) return `${PRINCIPALS_ROOT}/${uid}/`;
  return `${area === "calendars" ? CALENDARS_ROOT : ADDRESSBOOKS_ROOT}/${uid}${rest ?? "/"}`;
}

/** Nextcloud href → Radicale href (for hrefs inside request bodies, e.g. calendar-multiget). */
export function nextcloudHrefToRadicale(href: string): string {
  let path = href;
  try {
    const url = new URL(href, "http://nextcloud.invalid");
    path = url.pathname;
  } catch {
    return href;
  }
  return nextcloudToRadicale(path)?.radicalePath ?? href;
}

/** Rewrites the text of every DAV:href element of an XML body (Radicale writes them with or without a prefix). */
export function rewriteHrefs(xml: string, map: (href: string) => string): string {
  return xml.replace(/<((?:[A-Za-z_][\w.-]*:)?href)>([^<]*)<\/\1>/g, (_all, tag: string, href: string) => `<${tag}>${map(href.trim())}</${tag}>`);
}
