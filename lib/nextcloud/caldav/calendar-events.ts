/**
 * Events of calendar objects as tools show them: each occurrence in a time
 * range, recurrences expanded by ical.js (RRULE, RDATE, EXDATE and
 * overridden instances with RECURRENCE-ID, RFC 5545 §3.8.5, §3.8.4.4),
 * times as ISO 8601 with the offset of the display zone, all-day events as
 * dates. Objects that do not parse are counted, not fatal.
 */
import ICAL from "ical.js";
import type { DavItem } from "./dav-store";
import { icalDate, icalInstant, ianaNameOf } from "./ical-time";
import { parseCalendarForReading, textValue, UnreadableItemError } from "./parse-icalendar";
import { formatInZone } from "./zoned-time";

export interface Attendee {
  email: string;
  name: string | null;
  status: string | null;
}

export interface EventOccurrence {
  calendar: string;
  id: string;
  uid: string;
  etag: string;
  title: string;
  /** ISO 8601 with offset; a date ("2026-12-09") for all-day events. */
  start: string;
  /** Exclusive end, same form as start. */
  end: string;
  all_day: boolean;
  /** The event's own IANA zone, or null (UTC, floating, or a zone the tz database does not know). */
  time_zone: string | null;
  location: string;
  description: string;
  status: string | null;
  recurring: boolean;
  /** Which occurrence of a series this is (its original start), null for single events. */
  recurrence_id: string | null;
  rrule: string | null;
  organizer: string | null;
  attendees: Attendee[];
  /** Minutes before the start of each display reminder (VALARM with a relative trigger). */
  reminders_minutes_before: number[];
  /** Blocks time (TRANSP, RFC 5545 §3.8.2.7: OPAQUE by default; all-day events only when marked OPAQUE, as calendar apps treat them). */
  busy: boolean;
  /** Instants for sorting and free-time arithmetic (not in tool output). */
  startMs: number;
  endMs: number;
}

export interface ExpandOptions {
  calendar: string;
  rangeStartMs: number;
  rangeEndMs: number;
  /** Zone for output times and for floating times (IANA); default: each event's own zone, else UTC. */
  displayZone?: string;
}

const MAX_ITERATIONS_PER_SERIES = 20_000;

function mailto(value: string): string {
  return value.replace(/^mailto:/i, "");
}

function attendeesOf(vevent: ICAL.Component): Attendee[] {
  return vevent.getAllProperties("attendee").map((p) => ({
    email: mailto(String(p.getFirstValue() ?? "")),
    name: (p.getParameter("cn") as string | undefined) ?? null,
    status: (p.getParameter("partstat") as string | undefined) ?? null,
  }));
}

function remindersOf(vevent: ICAL.Component): number[] {
  const minutes: number[] = [];
  for (const alarm of vevent.getAllSubcomponents("valarm")) {
    const trigger = alarm.getFirstPropertyValue("trigger");
    if (trigger instanceof ICAL.Duration) minutes.push(Math.round(-trigger.toSeconds() / 60));
  }
  return minutes;
}

function tzidOf(vevent: ICAL.Component, name: "dtstart" | "dtend"): string | undefined {
  return (vevent.getFirstProperty(name)?.getParameter("tzid") as string | undefined) ?? undefined;
}

function occurrence(base: Omit<EventOccurrence, "start" | "end" | "startMs" | "endMs" | "recurrence_id" | "all_day">, start: ICAL.Time, end: ICAL.Time, tzid: string | undefined, zone: string, recurrenceId: ICAL.Time | null): EventOccurrence {
  const allDay = start.isDate;
  const startMs = icalInstant(start, tzid, zone);
  const endMs = Math.max(icalInstant(end, tzid, zone), startMs);
  return {
    ...base,
    all_day: allDay,
    start: allDay ? icalDate(start) : formatInZone(startMs, zone),
    end: allDay ? icalDate(end) : formatInZone(endMs, zone),
    recurrence_id: recurrenceId ? (recurrenceId.isDate ? icalDate(recurrenceId) : formatInZone(icalInstant(recurrenceId, tzid, zone), zone)) : null,
    startMs,
    endMs,
  };
}

function baseOf(vevent: ICAL.Component, item: DavItem, calendar: string, recurring: boolean): Omit<EventOccurrence, "start" | "end" | "startMs" | "endMs" | "recurrence_id" | "all_day"> {
  const rrule = vevent.getFirstPropertyValue("rrule");
  const transp = textValue(vevent, "transp").toUpperCase();
  const allDay = Boolean((vevent.getFirstPropertyValue("dtstart") as ICAL.Time | null)?.isDate);
  const organizer = vevent.getFirstPropertyValue("organizer");
  return {
    calendar,
    id: item.id,
    uid: textValue(vevent, "uid"),
    etag: item.etag,
    title: textValue(vevent, "summary"),
    time_zone: ianaNameOf(tzidOf(vevent, "dtstart")) ?? null,
    location: textValue(vevent, "location"),
    description: textValue(vevent, "description"),
    status: textValue(vevent, "status") || null,
    recurring,
    rrule: rrule ? String(rrule) : null,
    organizer: organizer ? mailto(String(organizer)) : null,
    attendees: attendeesOf(vevent),
    reminders_minutes_before: remindersOf(vevent),
    busy: transp === "OPAQUE" || (transp === "" && !allDay),
  };
}

/** The object's event as a whole (a series: its first occurrence, with its rule), for reading or changing it. */
export function describeObject(item: DavItem, calendar: string, displayZone?: string): EventOccurrence {
  const vcalendar = parseCalendarForReading(item.data, `the calendar item "${item.id}"`);
  const vevents = vcalendar.getAllSubcomponents("vevent");
  const master = vevents.find((v) => !v.hasProperty("recurrence-id")) ?? vevents[0];
  if (!master) throw new UnreadableItemError(`the calendar item "${item.id}" (it holds no event)`);
  const event = new ICAL.Event(master);
  const tzid = tzidOf(master, "dtstart");
  const zone = displayZone ?? ianaNameOf(tzid) ?? "UTC";
  return occurrence(baseOf(master, item, calendar, event.isRecurring()), event.startDate, event.endDate, tzid, zone, event.recurrenceId ?? null);
}

/** Occurrences of one calendar object overlapping the range. */
export function expandItem(item: DavItem, options: ExpandOptions): EventOccurrence[] {
  const vcalendar = parseCalendarForReading(item.data, `the calendar item "${item.id}"`);
  const vevents = vcalendar.getAllSubcomponents("vevent");
  if (vevents.length === 0) return [];
  const master = vevents.find((v) => !v.hasProperty("recurrence-id"));
  const out: EventOccurrence[] = [];
  // Overlap (RFC 4791 §9.9); an event without duration counts when its instant lies in the range.
  const inRange = (o: EventOccurrence) => (o.endMs > options.rangeStartMs && o.startMs < options.rangeEndMs) || (o.startMs === o.endMs && o.startMs >= options.rangeStartMs && o.startMs < options.rangeEndMs);
  if (!master) {
    // Only overridden instances (an invitation to one occurrence): each is an event of its own.
    for (const v of vevents) {
      const event = new ICAL.Event(v);
      const tzid = tzidOf(v, "dtstart");
      const zone = options.displayZone ?? ianaNameOf(tzid) ?? "UTC";
      const o = occurrence(baseOf(v, item, options.calendar, true), event.startDate, event.endDate, tzid, zone, event.recurrenceId);
      if (inRange(o)) out.push(o);
    }
    return out;
  }
  let event: ICAL.Event;
  try {
    event = new ICAL.Event(master, { exceptions: vevents.filter((v) => v !== master), strictExceptions: true });
  } catch {
    throw new UnreadableItemError(`the calendar item "${item.id}"`);
  }
  const tzid = tzidOf(master, "dtstart");
  const zone = options.displayZone ?? ianaNameOf(tzid) ?? "UTC";
  if (!event.isRecurring()) {
    const o = occurrence(baseOf(master, item, options.calendar, false), event.startDate, event.endDate, tzid, zone, null);
    return inRange(o) ? [o] : [];
  }
  const iterator = event.iterator();
  // Overridden instances may move; look a little past the range before stopping.
  const stopAfterMs = options.rangeEndMs + 31 * 86_400_000;
  for (let i = 0, next = iterator.next(); next && i < MAX_ITERATIONS_PER_SERIES; i++, next = iterator.next()) {
    if (icalInstant(next, tzid, zone) >= stopAfterMs) break;
    const details = event.getOccurrenceDetails(next);
    const component = details.item.component;
    const itemTzid = tzidOf(component, "dtstart") ?? tzid;
    const o = occurrence(baseOf(component, item, options.calendar, true), details.startDate, details.endDate, itemTzid, zone, details.recurrenceId);
    // The series' rule belongs to every occurrence, also overridden ones.
    o.rrule = String(master.getFirstPropertyValue("rrule") ?? "") || null;
    if (textValue(component, "status").toUpperCase() !== "CANCELLED" && inRange(o)) out.push(o);
  }
  return out;
}

export interface ExpandedEvents {
  events: EventOccurrence[];
  /** Ids of objects that could not be read. */
  unreadable: string[];
}

export function expandItems(items: DavItem[], options: ExpandOptions): ExpandedEvents {
  const events: EventOccurrence[] = [];
  const unreadable: string[] = [];
  for (const item of items) {
    try {
      events.push(...expandItem(item, options));
    } catch {
      unreadable.push(item.id);
    }
  }
  events.sort((a, b) => a.startMs - b.startMs || a.title.localeCompare(b.title));
  return { events, unreadable };
}

export function matchesQuery(event: Pick<EventOccurrence, "title" | "location" | "description">, query: string | undefined): boolean {
  if (!query) return true;
  const needle = query.toLocaleLowerCase();
  return [event.title, event.location, event.description].some((field) => field.toLocaleLowerCase().includes(needle));
}
