/**
 * nc_calendar_find_free_time: gaps of at least `duration_minutes` in the
 * caller's calendars, optionally inside working hours on chosen weekdays,
 * in the caller's time zone. Busy = events that block time (TRANSP) and
 * are not cancelled, recurrences expanded. Other people's availability is
 * not read: Nextcloud shares it only through iTIP free-busy scheduling,
 * which this tool does not do (the answer says so).
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { queryCalendarObjects } from "@/lib/nextcloud/caldav/caldav-client";
import { expandItems } from "@/lib/nextcloud/caldav/calendar-events";
import { findFreeTime, type Interval } from "@/lib/nextcloud/caldav/free-time";
import { checkZone, invalid } from "@/lib/nextcloud/caldav/ical-time";
import { formatInZone } from "@/lib/nextcloud/caldav/zoned-time";
import { calendarId, connectionOf, dateTimeInput, pickCalendars, rangeFrom, timeZoneInput } from "./calendar-shapes";

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "HH:MM, e.g. 09:00");

export const ncCalendarFindFreeTime = defineNextcloudTool({
  name: "nc_calendar_find_free_time",
  title: "Find free time",
  description:
    "Finds free slots of at least duration_minutes in your Nextcloud calendars between start and end (ISO 8601 with offset; default the next 7 days, at most 62 days), optionally only within working_hours (HH:MM in time_zone) on weekdays (1 = Monday … 7 = Sunday). time_zone is an IANA name (default UTC). Only your own calendars are read, not other people's. Needs calendar.read.",
  input: z.object({
    duration_minutes: z.number().int().min(5).max(1440),
    start: dateTimeInput.optional(),
    end: dateTimeInput.optional(),
    time_zone: timeZoneInput.optional(),
    working_hours: z.object({ from: clock, to: clock }).optional(),
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    calendars: z.array(calendarId).max(20).optional().describe("Calendar ids to consider (default: every calendar holding events)."),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  output: z.object({
    time_zone: z.string(),
    slots: z.array(z.object({ start: z.string(), end: z.string(), minutes: z.number().int() })),
    busy_count: z.number().int(),
  }),
  annotations: { title: "Find free time", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["calendar.read"],
  async run({ duration_minutes, start, end, time_zone, working_hours, weekdays, calendars, limit }, context) {
    const zone = checkZone("time_zone", time_zone) ?? "UTC";
    if (working_hours && working_hours.from >= working_hours.to) throw invalid("working_hours.from must be before working_hours.to.");
    const connection = connectionOf(context);
    const range = rangeFrom(start, end, zone, { days: 7, maxDays: 62 });
    const chosen = calendars?.length ? (await Promise.all(calendars.map((c) => pickCalendars(connection, "VEVENT", c)))).flat() : await pickCalendars(connection, "VEVENT", undefined);
    const busy: Interval[] = [];
    for (const c of chosen) {
      const { items } = await queryCalendarObjects(connection, c.id, { component: "VEVENT", start: new Date(range.startMs), end: new Date(range.endMs) });
      const { events } = expandItems(items, { calendar: c.id, rangeStartMs: range.startMs, rangeEndMs: range.endMs, displayZone: zone });
      busy.push(...events.filter((e) => e.busy && e.status?.toUpperCase() !== "CANCELLED").map((e) => ({ startMs: e.startMs, endMs: e.endMs })));
    }
    const slots = findFreeTime({ ...range, durationMinutes: duration_minutes, busy, workingHours: working_hours, weekdays, zone, maxSlots: limit }).map((s) => ({
      start: formatInZone(s.startMs, zone),
      end: formatInZone(s.endMs, zone),
      minutes: Math.round((s.endMs - s.startMs) / 60_000),
    }));
    return {
      structured: { time_zone: zone, slots, busy_count: busy.length },
      text: slots.length
        ? `${slots.length} free slot(s) of at least ${duration_minutes} minutes (${zone}):\n${slots.map((s) => `- ${s.start} – ${s.end} (${s.minutes} min)`).join("\n")}`
        : `No free slot of ${duration_minutes} minutes in that range.`,
    };
  },
});
