/**
 * What the nc_calendar_* and nc_tasks_* tools share: input fields (with the
 * formats a model must use: ISO 8601 with offset, IANA zone names), output
 * schemas, the connection, and the choice of calendars.
 */
import { z } from "zod";
import type { NextcloudToolContext } from "@/lib/mcp/define-nextcloud-tool";
import { listCalendars, type CalendarInfo } from "@/lib/nextcloud/caldav/caldav-client";
import type { EventOccurrence } from "@/lib/nextcloud/caldav/calendar-events";
import { checkZone, inputInstant, invalid, parseInputTime } from "@/lib/nextcloud/caldav/ical-time";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";

export { connectionOf } from "@/lib/mcp/define-nextcloud-tool";

export const calendarId = z.string().min(1).max(200).describe('A calendar id from nc_calendar_list_calendars (e.g. "personal").');
export const itemId = z.string().min(1).max(200).describe('The item id from a listing (e.g. "a1b2c3.ics").');
export const etagInput = z.string().min(1).max(200).optional().describe("The etag from a listing or get: the change applies only if the item is still at that version.");
export const dateTimeInput = z.string().min(4).max(40);
export const timeZoneInput = z.string().min(1).max(64).describe('IANA time zone name, e.g. "Europe/Berlin", "America/New_York", "UTC".');

export const calendarInfo = z.object({
  id: z.string(),
  name: z.string(),
  color: z.string().nullable(),
  components: z.array(z.string()).describe("What the calendar holds: VEVENT (events), VTODO (tasks)."),
});

export const eventShape = z.object({
  calendar: z.string(),
  id: z.string().describe("Item id: pass it with the calendar to get, update or delete."),
  uid: z.string(),
  etag: z.string(),
  title: z.string(),
  start: z.string().describe("ISO 8601 with offset, or a date (YYYY-MM-DD) for all-day events."),
  end: z.string().describe("Exclusive end, same form as start."),
  all_day: z.boolean(),
  time_zone: z.string().nullable().describe("The event's own IANA zone, null for UTC or floating times."),
  location: z.string(),
  description: z.string(),
  status: z.string().nullable(),
  recurring: z.boolean(),
  recurrence_id: z.string().nullable().describe("Original start of this occurrence of a series."),
  rrule: z.string().nullable(),
  organizer: z.string().nullable(),
  attendees: z.array(z.object({ email: z.string(), name: z.string().nullable(), status: z.string().nullable() })),
  reminders_minutes_before: z.array(z.number()),
  busy: z.boolean(),
});

export function eventOut(event: EventOccurrence): z.output<typeof eventShape> {
  const { startMs: _s, endMs: _e, ...rest } = event;
  return rest;
}

export function describeEvent(e: Pick<EventOccurrence, "title" | "start" | "end" | "all_day" | "location" | "calendar" | "id">): string {
  const when = e.all_day ? `${e.start} (all day${e.end ? ` until ${e.end}, exclusive` : ""})` : `${e.start} – ${e.end}`;
  return `"${e.title}" ${when}${e.location ? ` at ${e.location}` : ""} [${e.calendar}/${e.id}]`;
}

/** A range from tool input: instants, end after start, at most `maxDays`. */
export function rangeFrom(start: string | undefined, end: string | undefined, zone: string | undefined, defaults: { days: number; maxDays: number }): { startMs: number; endMs: number } {
  const tz = checkZone("time_zone", zone);
  const startMs = start ? inputInstant("start", parseInputTime("start", start), tz ?? "UTC") : Date.now();
  const endMs = end ? inputInstant("end", parseInputTime("end", end), tz ?? "UTC") : startMs + defaults.days * 86_400_000;
  if (endMs <= startMs) throw invalid("end must be after start.");
  if (endMs - startMs > defaults.maxDays * 86_400_000) throw invalid(`The range may span at most ${defaults.maxDays} days; ask for a shorter one.`);
  return { startMs, endMs };
}

/** The calendars to read: the one named (which must exist), or every calendar holding `component`. */
export async function pickCalendars(connection: NextcloudConnection, component: "VEVENT" | "VTODO", calendar: string | undefined): Promise<CalendarInfo[]> {
  const calendars = await listCalendars(connection);
  if (calendar !== undefined) {
    const found = calendars.find((c) => c.id === calendar);
    if (!found) throw invalid(`There is no calendar "${calendar.slice(0, 60)}". Your calendars: ${calendars.map((c) => c.id).join(", ") || "none"}.`);
    return [found];
  }
  return calendars.filter((c) => c.components.includes(component));
}

/** The calendar new items go to: the one named, or the first holding `component` (preferring `preferred`). */
export async function targetCalendar(connection: NextcloudConnection, component: "VEVENT" | "VTODO", calendar: string | undefined, preferred: string): Promise<CalendarInfo> {
  const candidates = await pickCalendars(connection, component, calendar);
  const chosen = candidates.find((c) => c.id === preferred) ?? candidates[0];
  if (!chosen) throw invalid(`You have no calendar that holds ${component === "VEVENT" ? "events" : "tasks"}.`);
  if (!chosen.components.includes(component)) throw invalid(`Calendar "${chosen.id}" does not hold ${component === "VEVENT" ? "events" : "tasks"} (it holds ${chosen.components.join(", ")}).`);
  return chosen;
}
