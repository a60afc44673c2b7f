/**
 * Writing events as iCalendar with ical.js: a new VEVENT (title, start/end
 * or all-day, zone with its VTIMEZONE, location, description, attendees,
 * reminders, RRULE), or a partial change to the series' master VEVENT of an
 * existing object (only the fields given; SEQUENCE, DTSTAMP and
 * LAST-MODIFIED bumped as RFC 5545 §3.8.7.4 and RFC 5546 ask). Whatever
 * the object holds besides (other properties, X- properties, overridden
 * instances) is kept.
 */
import { randomUUID } from "node:crypto";
import ICAL from "ical.js";
import { checkZone, ensureVtimezone, icalDateOf, icalTimeAt, inputInstant, invalid, parseInputTime } from "./ical-time";
import { parseComponent } from "./parse-icalendar";
import { localTimeAt } from "./zoned-time";

export interface EventFields {
  title?: string;
  start?: string;
  end?: string;
  all_day?: boolean;
  time_zone?: string;
  location?: string;
  description?: string;
  attendees?: { email: string; name?: string }[];
  reminder_minutes_before?: number[];
  /** An RRULE value ("FREQ=WEEKLY;BYDAY=MO"); "" removes the rule. */
  rrule?: string;
  status?: "CONFIRMED" | "TENTATIVE" | "CANCELLED";
}

const DAY_MS = 86_400_000;

function setText(vevent: ICAL.Component, name: string, value: string | undefined): void {
  if (value === undefined) return;
  vevent.removeAllProperties(name);
  if (value !== "") vevent.addPropertyWithValue(name, value);
}

function stamp(vevent: ICAL.Component, now: Date): void {
  const utc = icalTimeAt(now.getTime(), undefined);
  for (const name of ["dtstamp", "last-modified"]) vevent.updatePropertyWithValue(name, utc);
}

function parseRrule(value: string): ICAL.Recur {
  let recur: ICAL.Recur;
  try {
    recur = ICAL.Recur.fromString(value.replace(/^RRULE:/i, ""));
  } catch {
    throw invalid(`rrule "${value.slice(0, 80)}" is not an iCalendar RRULE (e.g. FREQ=WEEKLY;BYDAY=MO,WE or FREQ=MONTHLY;COUNT=6).`);
  }
  if (!recur.freq) throw invalid(`rrule "${value.slice(0, 80)}" has no FREQ: give an iCalendar RRULE such as FREQ=WEEKLY;BYDAY=MO.`);
  return recur;
}

interface Timing {
  allDay: boolean;
  startMs: number;
  endMs: number;
  start: ICAL.Time;
  end: ICAL.Time;
}

/** DTSTART/DTEND from the fields (or the current ones), validated: end after start. */
function timing(vcalendar: ICAL.Component, fields: EventFields, current: { allDay: boolean; startMs: number; endMs: number; zone?: string } | undefined, recurring: boolean): Timing | undefined {
  const changesTime = fields.start !== undefined || fields.end !== undefined || fields.all_day !== undefined || fields.time_zone !== undefined;
  if (!changesTime) return undefined;
  const zone = checkZone("time_zone", fields.time_zone) ?? current?.zone;
  const allDay = fields.all_day ?? current?.allDay ?? false;
  const startInput = fields.start ? parseInputTime("start", fields.start) : undefined;
  const endInput = fields.end ? parseInputTime("end", fields.end) : undefined;
  if (allDay) {
    // A current all-day event's instants are UTC midnights (calendar-events.ts reads dates so); a timed one's date is its date in its zone.
    const currentDate = current ? localTimeAt(current.startMs, current.allDay ? "UTC" : (zone ?? "UTC")) : undefined;
    const startDate = startInput?.date ?? (startInput ? localTimeAt(inputInstant("start", startInput, zone), zone ?? "UTC") : currentDate);
    if (!startDate) throw invalid("start is required (a date such as 2026-12-09 for an all-day event).");
    const startMs = Date.UTC(startDate.year, startDate.month - 1, startDate.day);
    let endMs = startMs + DAY_MS;
    if (endInput) {
      const d = endInput.date ?? localTimeAt(inputInstant("end", endInput, zone), zone ?? "UTC");
      endMs = Date.UTC(d.year, d.month - 1, d.day);
    } else if (current?.allDay && !fields.start) endMs = current.endMs;
    if (endMs <= startMs) throw invalid("end must be after start (for all-day events the end date is exclusive: a one-day event on 2026-12-09 ends 2026-12-10).");
    const asDate = (ms: number) => icalDateOf(localTimeAt(ms, "UTC"));
    return { allDay, startMs, endMs, start: asDate(startMs), end: asDate(endMs) };
  }
  if (startInput?.date || endInput?.date) throw invalid("start and end need a time of day (e.g. 2026-12-07T10:00:00+01:00), or set all_day: true.");
  const startMs = startInput ? inputInstant("start", startInput, zone) : current?.startMs;
  if (startMs === undefined) throw invalid("start is required (ISO 8601 with offset, e.g. 2026-12-07T10:00:00+01:00).");
  const duration = current && !current.allDay ? current.endMs - current.startMs : 3_600_000;
  const endMs = endInput ? inputInstant("end", endInput, zone) : fields.start ? startMs + duration : (current?.endMs ?? startMs + duration);
  if (endMs <= startMs) throw invalid("end must be after start.");
  const tz = zone ? ensureVtimezone(vcalendar, zone, localTimeAt(startMs, zone).year, recurring ? 10 : 1) : undefined;
  return { allDay, startMs, endMs, start: icalTimeAt(startMs, tz), end: icalTimeAt(endMs, tz) };
}

function setTime(vevent: ICAL.Component, name: "dtstart" | "dtend", time: ICAL.Time): void {
  vevent.removeAllProperties(name);
  const property = new ICAL.Property(name, vevent);
  property.setValue(time);
  if (!time.isDate && time.zone && time.zone.tzid !== "UTC") property.setParameter("tzid", time.zone.tzid);
  vevent.addProperty(property);
}

function applyFields(vcalendar: ICAL.Component, vevent: ICAL.Component, fields: EventFields, current: Parameters<typeof timing>[2]): void {
  if (fields.title !== undefined && fields.title.trim() === "") throw invalid("title must not be empty.");
  setText(vevent, "summary", fields.title);
  setText(vevent, "location", fields.location);
  setText(vevent, "description", fields.description);
  setText(vevent, "status", fields.status);
  if (fields.rrule !== undefined) {
    vevent.removeAllProperties("rrule");
    if (fields.rrule !== "") vevent.addPropertyWithValue("rrule", parseRrule(fields.rrule));
  }
  const t = timing(vcalendar, fields, current, vevent.hasProperty("rrule"));
  if (t) {
    setTime(vevent, "dtstart", t.start);
    vevent.removeAllProperties("duration");
    setTime(vevent, "dtend", t.end);
  }
  if (fields.attendees !== undefined) {
    vevent.removeAllProperties("attendee");
    for (const a of fields.attendees) {
      const p = vevent.addPropertyWithValue("attendee", `mailto:${a.email}`);
      if (a.name) p.setParameter("cn", a.name);
      p.setParameter("partstat", "NEEDS-ACTION");
      p.setParameter("role", "REQ-PARTICIPANT");
    }
  }
  if (fields.reminder_minutes_before !== undefined) {
    for (const alarm of vevent.getAllSubcomponents("valarm")) vevent.removeSubcomponent(alarm);
    for (const minutes of fields.reminder_minutes_before) {
      const alarm = new ICAL.Component("valarm");
      alarm.addPropertyWithValue("action", "DISPLAY");
      alarm.addPropertyWithValue("description", vevent.getFirstPropertyValue("summary") ?? "Reminder");
      alarm.addPropertyWithValue("trigger", ICAL.Duration.fromSeconds(-minutes * 60));
      vevent.addSubcomponent(alarm);
    }
  }
}

/** A new calendar object; returns its text and UID. */
export function buildEvent(fields: EventFields & { title: string; start: string }, now = new Date()): { uid: string; data: string } {
  const uid = randomUUID();
  const vcalendar = new ICAL.Component("vcalendar");
  vcalendar.addPropertyWithValue("prodid", "-//nextcloud-mcp//EN");
  vcalendar.addPropertyWithValue("version", "2.0");
  vcalendar.addPropertyWithValue("calscale", "GREGORIAN");
  const vevent = new ICAL.Component("vevent");
  vevent.addPropertyWithValue("uid", uid);
  vevent.addPropertyWithValue("created", icalTimeAt(now.getTime(), undefined));
  stamp(vevent, now);
  applyFields(vcalendar, vevent, fields, undefined);
  vcalendar.addSubcomponent(vevent);
  return { uid, data: vcalendar.toString() };
}

/** The changed object text for `fields` applied to the master VEVENT of `data`. */
export function updateEvent(data: string, id: string, fields: EventFields, current: { allDay: boolean; startMs: number; endMs: number; zone?: string }, now = new Date()): string {
  const vcalendar = parseComponent(data, "vcalendar", `the calendar item "${id}"`);
  const vevent = vcalendar.getAllSubcomponents("vevent").find((v) => !v.hasProperty("recurrence-id"));
  if (!vevent) throw invalid(`"${id}" holds no event that can be changed as a whole.`);
  applyFields(vcalendar, vevent, fields, current);
  vevent.updatePropertyWithValue("sequence", Number(vevent.getFirstPropertyValue("sequence") ?? 0) + 1);
  stamp(vevent, now);
  return vcalendar.toString();
}
