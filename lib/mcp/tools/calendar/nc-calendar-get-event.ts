/** nc_calendar_get_event: one event (a series as a whole) with its etag. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { getCalendarObject } from "@/lib/nextcloud/caldav/caldav-client";
import { describeObject } from "@/lib/nextcloud/caldav/calendar-events";
import { checkZone } from "@/lib/nextcloud/caldav/ical-time";
import { calendarId, connectionOf, describeEvent, eventOut, eventShape, itemId, timeZoneInput } from "./calendar-shapes";

export const ncCalendarGetEvent = defineNextcloudTool({
  name: "nc_calendar_get_event",
  title: "Read an event",
  description: "Reads one event by calendar and id (from nc_calendar_list_events): title, times (ISO 8601 with offset), location, description, attendees, reminders, recurrence rule, and the etag for a safe update. A recurring event is shown as its series (first occurrence and rule). Needs calendar.read.",
  input: z.object({ calendar: calendarId, id: itemId, time_zone: timeZoneInput.optional() }),
  output: eventShape,
  annotations: { title: "Read an event", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["calendar.read"],
  async run({ calendar, id, time_zone }, context) {
    const item = await getCalendarObject(connectionOf(context), calendar, id);
    const event = describeObject(item, calendar, checkZone("time_zone", time_zone));
    const extra = [event.rrule ? `repeats ${event.rrule}` : "", event.attendees.length ? `attendees: ${event.attendees.map((a) => a.name ?? a.email).join(", ")}` : "", event.description].filter(Boolean);
    return { structured: eventOut(event), text: `${describeEvent(event)}, etag ${event.etag}${extra.length ? `\n${extra.join("\n")}` : ""}` };
  },
});
