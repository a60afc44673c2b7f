/** nc_calendar_delete_event: deletes an event (a whole series), guarded by its etag (If-Match). */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { currentEtagFor } from "@/lib/nextcloud/caldav/dav-store";
import { deleteCalendarObject, getCalendarObject } from "@/lib/nextcloud/caldav/caldav-client";
import { describeObject } from "@/lib/nextcloud/caldav/calendar-events";
import { calendarId, connectionOf, describeEvent, etagInput, itemId } from "./calendar-shapes";

export const ncCalendarDeleteEvent = defineNextcloudTool({
  name: "nc_calendar_delete_event",
  title: "Delete an event",
  description: "Deletes an event (a recurring event: the whole series) by calendar and id from nc_calendar_list_events. Pass etag to delete it only if nobody changed it since you read it. Needs calendar.write (and calendar.read).",
  input: z.object({ calendar: calendarId, id: itemId, etag: etagInput }),
  output: z.object({ calendar: z.string(), id: z.string(), title: z.string(), deleted: z.literal(true) }),
  annotations: { title: "Delete an event", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ["calendar.read", "calendar.write"],
  async run({ calendar, id, etag }, context) {
    const connection = connectionOf(context);
    const current = await getCalendarObject(connection, calendar, id);
    let title = "";
    try {
      title = describeObject(current, calendar).title;
    } catch {
      // An unreadable item can still be deleted.
    }
    await deleteCalendarObject(connection, calendar, id, currentEtagFor(etag, current, "The event"));
    return { structured: { calendar, id, title, deleted: true as const }, text: `Deleted ${title ? describeEvent({ ...describeObject(current, calendar) }) : `item ${calendar}/${id}`}.` };
  },
});
