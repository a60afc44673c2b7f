/**
 * nc_calendar_list_events: the occurrences in a time range across the
 * caller's calendars (or one), recurring events expanded, optionally
 * filtered by text, sorted by start, at most `limit`.
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { queryCalendarObjects } from "@/lib/nextcloud/caldav/caldav-client";
import { expandItems, matchesQuery, type EventOccurrence } from "@/lib/nextcloud/caldav/calendar-events";
import { calendarId, connectionOf, dateTimeInput, describeEvent, eventOut, eventShape, pickCalendars, rangeFrom, timeZoneInput } from "./calendar-shapes";

export const ncCalendarListEvents = defineNextcloudTool({
  name: "nc_calendar_list_events",
  title: "List events",
  description:
    "Lists the events in a time range from your Nextcloud calendars, with recurring events expanded into their occurrences, sorted by start. start/end are ISO 8601 (e.g. 2026-12-07T00:00:00+01:00, or 2026-12-07 for midnight in time_zone); default: the next 7 days; at most 366 days. Times in the answer carry their UTC offset; give time_zone (IANA, e.g. Europe/Berlin) to get them in that zone. Optional: calendar (one id), query (text in title, location or description), limit and offset (paging). Needs calendar.read.",
  input: z.object({
    start: dateTimeInput.optional().describe("Range start, ISO 8601 with offset (or a date)."),
    end: dateTimeInput.optional().describe("Range end (exclusive), ISO 8601 with offset (or a date)."),
    time_zone: timeZoneInput.optional(),
    calendar: calendarId.optional(),
    query: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).max(100_000).default(0).describe("Skip this many results (paging: pass the previous offset + limit)."),
  }),
  output: z.object({
    events: z.array(eventShape),
    total: z.number().int().describe("Matching occurrences before the limit."),
    truncated: z.boolean(),
    unreadable: z.array(z.object({ calendar: z.string(), id: z.string() })).describe("Items Nextcloud holds that are not valid iCalendar (left out)."),
  }),
  annotations: { title: "List events", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["calendar.read"],
  async run({ start, end, time_zone, calendar, query, limit, offset }, context) {
    const connection = connectionOf(context);
    const range = rangeFrom(start, end, time_zone, { days: 7, maxDays: 366 });
    const calendars = await pickCalendars(connection, "VEVENT", calendar);
    const all: EventOccurrence[] = [];
    const unreadable: { calendar: string; id: string }[] = [];
    for (const c of calendars) {
      const { items } = await queryCalendarObjects(connection, c.id, { component: "VEVENT", start: new Date(range.startMs), end: new Date(range.endMs) });
      const expanded = expandItems(items, { calendar: c.id, rangeStartMs: range.startMs, rangeEndMs: range.endMs, displayZone: time_zone });
      all.push(...expanded.events.filter((e) => matchesQuery(e, query)));
      unreadable.push(...expanded.unreadable.map((id) => ({ calendar: c.id, id })));
    }
    all.sort((a, b) => a.startMs - b.startMs || a.title.localeCompare(b.title));
    const events = all.slice(offset, offset + limit);
    const lines = events.map((e) => `- ${describeEvent(e)}${e.recurring ? " (recurring)" : ""}`);
    const skipped = unreadable.length ? `\n${unreadable.length} item(s) could not be read and were left out.` : "";
    return {
      // Long descriptions are cut in listings (nc_calendar_get_event has the whole text).
      structured: { events: events.map((e) => ({ ...eventOut(e), description: e.description.slice(0, 2000) })), total: all.length, truncated: all.length > offset + events.length, unreadable },
      text: (events.length ? `${all.length} event(s)${all.length > events.length ? `, showing ${offset + 1}-${offset + events.length}` : ""}:\n${lines.join("\n")}` : "No events in that range.") + skipped,
    };
  },
});
