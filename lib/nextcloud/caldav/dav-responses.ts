/**
 * The responses of a CalDAV/CardDAV 207 Multi-Status (RFC 4918 §13) as
 * href + the properties of its 200 propstat (§14.22): what a PROPFIND on a
 * calendar home or a calendar-query / addressbook-query REPORT (RFC 4791
 * §7.8, RFC 6352 §8.6) returns. XML goes through the project's strict
 * parser (parse-xml.ts: no DOCTYPE, no entities, bounded depth and size).
 */
import { NextcloudRequestError } from "../nextcloud-request";
import { childNamed, childrenNamed, DAV_NS, parseXml, type XmlElement } from "../parse-xml";
import type { NextcloudHttpResponse } from "../send-nextcloud-request";

export const CALDAV_NS = "urn:ietf:params:xml:ns:caldav";
export const CARDDAV_NS = "urn:ietf:params:xml:ns:carddav";
export const APPLE_ICAL_NS = "http://apple.com/ns/ical/";
/** getctag: a collection's change tag, new whenever an item in it changes (CalendarServer extension, served by sabre/dav and Radicale). */
export const CALSERVER_NS = "http://calendarserver.org/ns/";

/** A collection's getctag in a PROPFIND answer, or null when the server sent none. */
export function ctagOf(response: DavResponse): string | null {
  return response.props.get(propKey(CALSERVER_NS, "getctag"))?.text.trim() || null;
}

export interface DavResponse {
  /** Decoded path of the resource, e.g. /remote.php/dav/calendars/alice/personal/a.ics */
  path: string;
  /** Properties under a 200 propstat, keyed "{ns}local". */
  props: Map<string, XmlElement>;
}

export function propKey(ns: string, local: string): string {
  return `{${ns}}${local}`;
}

export function parseDavResponses(response: NextcloudHttpResponse): DavResponse[] {
  let root: XmlElement;
  try {
    root = parseXml(new TextDecoder().decode(response.body));
  } catch {
    throw new NextcloudRequestError("unexpected", "Nextcloud sent a calendar/contacts listing that is not valid XML.");
  }
  if (root.ns !== DAV_NS || root.local !== "multistatus") throw new NextcloudRequestError("unexpected", "Nextcloud sent a calendar/contacts listing in an unexpected format.");
  const out: DavResponse[] = [];
  for (const r of childrenNamed(root, DAV_NS, "response")) {
    const href = childNamed(r, DAV_NS, "href")?.text.trim();
    if (!href) continue;
    let path: string;
    try {
      path = decodeURIComponent(new URL(href, "http://nextcloud.invalid").pathname);
    } catch {
      continue;
    }
    const props = new Map<string, XmlElement>();
    for (const propstat of childrenNamed(r, DAV_NS, "propstat")) {
      const status = childNamed(propstat, DAV_NS, "status")?.text ?? "";
      if (!/\s200\s/.test(` ${status} `)) continue;
      for (const prop of childNamed(propstat, DAV_NS, "prop")?.children ?? []) props.set(propKey(prop.ns, prop.local), prop);
    }
    out.push({ path, props });
  }
  return out;
}

/** The last path segment ("a.ics" of ".../personal/a.ics", "personal" of ".../personal/"). */
export function lastSegment(path: string): string {
  const segments = path.split("/").filter(Boolean);
  return segments[segments.length - 1] ?? "";
}
