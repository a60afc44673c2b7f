/**
 * nc_calendar_update_event: changes the given fields of an event (a
 * recurring event: the whole series). The write carries If-Match with the
 * etag the caller gave, or the one just read, so a change made by someone
 * else in between is reported as a conflict and never overwritten.
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { currentEtagFor } from "@/lib/nextcloud/caldav/dav-store";
import { getCalendarObject, putCalendarObject } from "@/lib/nextcloud/caldav/caldav-client";
import { describeObject } from "@/lib/nextcloud/caldav/calendar-events";
import { updateEvent } from "@/lib/nextcloud/caldav/event-writer";
import { invalid } from "@/lib/nextcloud/caldav/ical-time";
import { calendarId, connectionOf, describeEvent, etagInput, eventOut, eventShape, itemId } from "./calendar-shapes";
import { eventFields } from "./event-fields";

const changeable = {
  title: eventFields.title.optional(),
  start: eventFields.start.optional(),
  end: eventFields.end.optional(),
  all_day: eventFields.all_day.optional(),
  time_zone: eventFields.time_zone.optional(),
  location: eventFields.location.optional().describe('"" removes it.'),
  description: eventFields.description.optional().describe('"" removes it.'),
  attendees: eventFields.attendees.optional().describe("Replaces the attendee list."),
  reminder_minutes_before: eventFields.reminder_minutes_before.optional().describe("Replaces the reminders ([] removes them)."),
  rrule: eventFields.rrule.optional().describe('"" makes the event non-recurring.'),
  status: eventFields.status.optional(),
};

export const ncCalendarUpdateEvent = defineNextcloudTool({
  name: "nc_calendar_update_event",
  title: "Update an event",
  description:
    "Changes only the fields you give of an event (by calendar and id from nc_calendar_list_events; a recurring event changes as a whole series). Times are ISO 8601 with offset or wall clock with time_zone (IANA). Moving start keeps the duration unless you give end. Pass etag to change it only if nobody changed it since you read it. Needs calendar.write (and calendar.read).",
  input: z.object({ calendar: calendarId, id: itemId, etag: etagInput, ...changeable }),
  output: eventShape.extend({ previous_etag: z.string() }),
  annotations: { title: "Update an event", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["calendar.read", "calendar.write"],
  async run({ calendar, id, etag, ...fields }, context) {
    if (Object.values(fields).every((v) => v === undefined)) throw invalid("Nothing to change: give at least one field (title, start, end, location, …).");
    const connection = connectionOf(context);
    const current = await getCalendarObject(connection, calendar, id);
    currentEtagFor(etag, current, "The event");
    const before = describeObject(current, calendar);
    const data = updateEvent(current.data, id, fields, { allDay: before.all_day, startMs: before.startMs, endMs: before.endMs, zone: before.time_zone ?? undefined });
    await putCalendarObject(connection, calendar, id, data, { etag: current.etag });
    const after = describeObject(await getCalendarObject(connection, calendar, id), calendar, fields.time_zone);
    return { structured: { ...eventOut(after), previous_etag: current.etag }, text: `Updated ${describeEvent(after)}. New etag ${after.etag}.` };
  },
});
