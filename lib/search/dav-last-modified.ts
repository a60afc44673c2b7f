/**
 * When a calendar event or a contact last changed, for nc_search's
 * last_modified (notes and files have theirs from the Notes API and WebDAV
 * getlastmodified). Read from the item itself, because the CalDAV/CardDAV
 * REPORT the sync sends returns the data and the etag only:
 *
 * - an event: the LAST-MODIFIED of its master VEVENT (RFC 5545 §3.8.7.3),
 *   else its DTSTAMP (§3.8.7.2; for an object in a calendar store, the time
 *   the information was last revised);
 * - a contact: its REV (RFC 6350 §6.7.4; vCard 3.0, RFC 2426 §3.6.4, too).
 *
 * null when the item has neither or the value does not parse; a value in
 * the future (a client's clock) is taken as it is.
 */
import ICAL from "ical.js";

function toDate(value: unknown): Date | null {
  let date: Date | null = null;
  if (value instanceof ICAL.Time) date = value.toJSDate();
  else if (value instanceof ICAL.VCardTime) date = value.toJSDate();
  else if (typeof value === "string" && value.trim() !== "") {
    // vCard REV may be a basic-format timestamp (20260301T101500Z) ical.js leaves as text.
    const basic = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value.trim());
    date = basic ? new Date(Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +(basic[4] ?? 0), +(basic[5] ?? 0), +(basic[6] ?? 0))) : new Date(value.trim());
  }
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

/** A property's value; ical.js decorates values lazily, so a malformed one throws only here. */
function valueOf(owner: ICAL.Component, name: string): Date | null {
  try {
    return toDate(owner.getFirstPropertyValue(name));
  } catch {
    return null;
  }
}

function component(data: string): ICAL.Component | null {
  try {
    return new ICAL.Component(ICAL.parse(data) as unknown[]);
  } catch {
    return null;
  }
}

/** LAST-MODIFIED, else DTSTAMP, of the event (the master when it recurs). */
export function eventLastModified(data: string): Date | null {
  const vcalendar = component(data);
  if (!vcalendar) return null;
  const vevents = vcalendar.getAllSubcomponents("vevent");
  const master = vevents.find((v) => !v.hasProperty("recurrence-id")) ?? vevents[0];
  if (!master) return null;
  return valueOf(master, "last-modified") ?? valueOf(master, "dtstamp");
}

/** The vCard's REV. */
export function contactLastModified(data: string): Date | null {
  const vcard = component(data);
  if (!vcard || vcard.name !== "vcard") return null;
  return valueOf(vcard, "rev");
}
