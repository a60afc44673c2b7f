/**
 * Times between tools (ISO 8601, IANA zones) and iCalendar (ical.js):
 *
 * - input: "2026-12-07T10:00:00+01:00" (instant), "2026-12-07T10:00" with a
 *   time zone (wall clock there), "2026-12-07" (a date, for all-day);
 * - iCalendar → instant: a time whose zone ical.js resolved (UTC, or a
 *   VTIMEZONE in the same object) converts through it; a TZID without
 *   VTIMEZONE but known to the tz database converts with Intl; a floating
 *   time (RFC 5545 §3.3.5) is read in the caller's zone;
 * - instant → iCalendar: wall clock in the event's zone with TZID, plus a
 *   VTIMEZONE for that zone (what Nextcloud's calendar app writes), or UTC.
 */
import ICAL from "ical.js";
import { NextcloudRequestError } from "../nextcloud-request";
import { formatDate, isIanaZone, localTimeAt, vtimezoneLines, zonedToUtcMs, type LocalDateTime } from "./zoned-time";

export interface ParsedInputTime {
  /** A date without time ("2026-12-07"). */
  date?: { year: number; month: number; day: number };
  /** Wall clock as written. */
  local?: LocalDateTime;
  /** Offset in minutes when the input had one ("Z" = 0). */
  offsetMinutes?: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export function invalid(message: string): NextcloudRequestError {
  return new NextcloudRequestError("invalid", message);
}

export function parseInputTime(field: string, value: string): ParsedInputTime {
  const m = ISO.exec(value.trim());
  if (!m) throw invalid(`${field} "${value.slice(0, 40)}" is not an ISO 8601 date or date-time (e.g. 2026-12-07T10:00:00+01:00 or 2026-12-07).`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || year < 1900 || year > 2200) {
    throw invalid(`${field} "${value.slice(0, 40)}" is not a real calendar date.`);
  }
  if (m[4] === undefined) return { date: { year, month, day } };
  const local = { year, month, day, hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0) };
  if (local.hour > 23 || local.minute > 59 || local.second > 59) throw invalid(`${field} "${value.slice(0, 40)}" has an impossible time of day.`);
  let offsetMinutes: number | undefined;
  if (m[7]) {
    if (m[7].toUpperCase() === "Z") offsetMinutes = 0;
    else {
      const sign = m[7].startsWith("-") ? -1 : 1;
      const digits = m[7].slice(1).replace(":", "");
      offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
      if (Math.abs(offsetMinutes) > 18 * 60) throw invalid(`${field} has an impossible UTC offset.`);
    }
  }
  return { local, offsetMinutes };
}

export function checkZone(field: string, zone: string | undefined): string | undefined {
  if (zone === undefined) return undefined;
  if (!isIanaZone(zone)) throw invalid(`${field} "${zone.slice(0, 60)}" is not an IANA time zone name (e.g. Europe/Berlin, America/New_York, UTC).`);
  return zone;
}

/** The instant of an input date-time: its offset, or its wall clock in `zone`. Dates are midnight in `zone`. */
export function inputInstant(field: string, parsed: ParsedInputTime, zone: string | undefined): number {
  if (parsed.date) return zonedToUtcMs({ ...parsed.date, hour: 0, minute: 0, second: 0 }, zone ?? "UTC");
  const local = parsed.local!;
  if (parsed.offsetMinutes !== undefined) return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - parsed.offsetMinutes * 60_000;
  if (!zone) throw invalid(`${field} has no UTC offset: add one (e.g. +01:00) or give time_zone.`);
  return zonedToUtcMs(local, zone);
}

/** True when ical.js resolved the time's zone (UTC or a VTIMEZONE of the same object). */
function hasResolvedZone(time: ICAL.Time): boolean {
  return Boolean(time.zone) && time.zone.tzid !== "floating";
}

/** The instant of an iCalendar date-time (see the rules above); a date is midnight in `fallbackZone`. */
export function icalInstant(time: ICAL.Time, tzid: string | undefined, fallbackZone: string): number {
  const fields = { year: time.year, month: time.month, day: time.day, hour: time.isDate ? 0 : time.hour, minute: time.isDate ? 0 : time.minute, second: time.isDate ? 0 : time.second };
  if (!time.isDate && hasResolvedZone(time)) return time.toUnixTime() * 1000;
  const zone = tzid && isIanaZone(tzid) ? tzid : fallbackZone;
  return zonedToUtcMs(fields, zone);
}

export function icalDate(time: ICAL.Time): string {
  return formatDate(time);
}

/** The IANA name of a TZID when it is one (also Mozilla-style "/mozilla.org/…/Europe/Berlin" prefixes). */
export function ianaNameOf(tzid: string | undefined): string | undefined {
  if (!tzid) return undefined;
  if (isIanaZone(tzid)) return tzid;
  const tail = tzid.split("/").slice(-2).join("/");
  return isIanaZone(tail) ? tail : undefined;
}

/** An ical.js Time for an instant: wall clock in `zone` (with its VTIMEZONE) or UTC. */
export function icalTimeAt(utcMs: number, zone: ICAL.Timezone | undefined): ICAL.Time {
  if (!zone) return ICAL.Time.fromData({ ...localTimeAt(utcMs, "UTC"), isDate: false }, ICAL.Timezone.utcTimezone);
  const local = localTimeAt(utcMs, zone.tzid);
  return ICAL.Time.fromData({ ...local, isDate: false }, zone);
}

export function icalDateOf(date: { year: number; month: number; day: number }): ICAL.Time {
  return ICAL.Time.fromData({ year: date.year, month: date.month, day: date.day, isDate: true });
}

/** Adds a VTIMEZONE for `zone` to the calendar unless it has one; returns the zone for times. */
export function ensureVtimezone(vcalendar: ICAL.Component, zone: string, aroundYear: number, years: number): ICAL.Timezone {
  let component = vcalendar.getAllSubcomponents("vtimezone").find((c) => c.getFirstPropertyValue("tzid") === zone);
  if (!component) {
    const text = ["BEGIN:VCALENDAR", ...vtimezoneLines(zone, aroundYear - 1, aroundYear + years), "END:VCALENDAR"].join("\r\n");
    component = new ICAL.Component(ICAL.parse(text) as unknown as unknown[]).getFirstSubcomponent("vtimezone")!;
    vcalendar.addSubcomponent(component);
    // VTIMEZONEs first, as Nextcloud writes them (not required by RFC 5545, but tidy).
  }
  return new ICAL.Timezone({ component, tzid: zone });
}
