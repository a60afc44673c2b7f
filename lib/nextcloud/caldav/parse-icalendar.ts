/**
 * iCalendar (RFC 5545) and vCard (RFC 6350) text from Nextcloud, parsed with
 * ical.js. A server may hold data a client once wrote badly: such an item is
 * reported (ParseFailure) and skipped by listings, never allowed to fail the
 * whole answer or to crash the tool.
 */
import ICAL from "ical.js";
import { NextcloudRequestError } from "../nextcloud-request";
import { isIanaZone } from "./zoned-time";

export class UnreadableItemError extends NextcloudRequestError {
  constructor(what: string) {
    super("unexpected", `Nextcloud holds ${what} that is not valid iCalendar/vCard, so it cannot be read or changed here.`);
    this.name = "UnreadableItemError";
  }
}

/** The top component ("vcalendar" or "vcard") of `text`, or UnreadableItemError. */
export function parseComponent(text: string, expected: "vcalendar" | "vcard", what: string): ICAL.Component {
  let component: ICAL.Component;
  try {
    const parsed = ICAL.parse(text) as unknown;
    // A file with several top-level components parses to an array of them: take the first.
    const first = Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed[0] : parsed;
    component = new ICAL.Component(first as unknown[]);
  } catch {
    throw new UnreadableItemError(what);
  }
  if (component.name !== expected) throw new UnreadableItemError(what);
  return component;
}

/** Text values of a property, or "" (ical.js returns arrays for some; stringify defensively). */
export function textValue(component: ICAL.Component, name: string): string {
  const value = component.getFirstPropertyValue(name);
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : String(value);
}

/**
 * A calendar object for reading. A TZID that names an IANA zone is read
 * through the runtime's tz database (zoned-time.ts), as Nextcloud's calendar
 * app reads it, and its VTIMEZONE is set aside: ical.js would otherwise
 * expand the zone's rules from their DTSTART (often 1970) for every object,
 * which made a week of 50 events cost ~100 ms. VTIMEZONEs with other names
 * (e.g. Windows zone names) are kept and used.
 */
export function parseCalendarForReading(text: string, what: string): ICAL.Component {
  const vcalendar = parseComponent(text, "vcalendar", what);
  for (const zone of vcalendar.getAllSubcomponents("vtimezone")) {
    const tzid = zone.getFirstPropertyValue("tzid");
    if (typeof tzid === "string" && isIanaZone(tzid)) vcalendar.removeSubcomponent(zone);
  }
  return vcalendar;
}
