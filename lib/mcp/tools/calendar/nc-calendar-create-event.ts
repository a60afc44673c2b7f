/**
 * nc_calendar_create_event: a new event, written with If-None-Match: * so
 * it can never replace an existing item, then read back for its etag.
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { getCalendarObject, putCalendarObject } from "@/lib/nextcloud/caldav/caldav-client";
import { describeObject } from "@/lib/nextcloud/caldav/calendar-events";
import { buildEvent } from "@/lib/nextcloud/caldav/event-writer";
import { calendarId, connectionOf, describeEvent, eventOut, eventShape, targetCalendar } from "./calendar-shapes";
import { eventFields } from "./event-fields";

export const ncCalendarCreateEvent = defineNextcloudTool({
  name: "nc_calendar_create_event",
  title: "Create an event",
  description:
    "Creates an event in one of your Nextcloud calendars (default: your personal calendar). Give title and start (ISO 8601 with offset, e.g. 2026-12-07T10:00:00+01:00); optional end (default +1 hour), all_day (dates, end exclusive), time_zone (IANA, e.g. Europe/Berlin), location, description, attendees, reminder_minutes_before, rrule (e.g. FREQ=WEEKLY;BYDAY=MO). Needs calendar.write (and calendar.read).",
  input: z.object({
    calendar: calendarId.optional(),
    title: eventFields.title,
    start: eventFields.start,
    end: eventFields.end.optional(),
    all_day: eventFields.all_day.optional(),
    time_zone: eventFields.time_zone.optional(),
    location: eventFields.location.optional(),
    description: eventFields.description.optional(),
    attendees: eventFields.attendees.optional(),
    reminder_minutes_before: eventFields.reminder_minutes_before.optional(),
    rrule: eventFields.rrule.optional(),
  }),
  output: eventShape,
  annotations: { title: "Create an event", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["calendar.read", "calendar.write"],
  async run({ calendar, ...fields }, context) {
    const connection = connectionOf(context);
    const target = await targetCalendar(connection, "VEVENT", calendar, "personal");
    const { uid, data } = buildEvent(fields);
    const id = `${uid}.ics`;
    await putCalendarObject(connection, target.id, id, data, { create: true });
    const event = describeObject(await getCalendarObject(connection, target.id, id), target.id, fields.time_zone);
    return { structured: eventOut(event), text: `Created ${describeEvent(event)}${event.rrule ? `, repeating ${event.rrule}` : ""}. Etag ${event.etag}.` };
  },
});
