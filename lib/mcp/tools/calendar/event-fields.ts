/** The event fields nc_calendar_create_event and nc_calendar_update_event accept. */
import { z } from "zod";
import { dateTimeInput, timeZoneInput } from "./calendar-shapes";

export const eventFields = {
  title: z.string().min(1).max(500),
  start: dateTimeInput.describe("ISO 8601: with offset (2026-12-07T10:00:00+01:00), or wall clock with time_zone (2026-12-07T10:00), or a date (2026-12-09) when all_day."),
  end: dateTimeInput.describe("Exclusive end, same forms as start. Default: one hour after start (one day for all-day events)."),
  all_day: z.boolean().describe("An all-day event: start/end are dates; the end date is exclusive."),
  time_zone: timeZoneInput.describe("IANA zone the event lives in (keeps its wall-clock time across DST, e.g. for a weekly meeting). Without it the times are stored in UTC."),
  location: z.string().max(1000),
  description: z.string().max(20_000),
  attendees: z.array(z.object({ email: z.string().email().max(320), name: z.string().max(200).optional() })).max(100),
  reminder_minutes_before: z.array(z.number().int().min(0).max(40_320)).max(10).describe("Reminders, in minutes before the start (e.g. [15])."),
  rrule: z.string().max(500).describe('iCalendar RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO,WE" or "FREQ=MONTHLY;COUNT=6".'),
  status: z.enum(["CONFIRMED", "TENTATIVE", "CANCELLED"]),
};
