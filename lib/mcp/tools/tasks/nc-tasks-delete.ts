/** nc_tasks_delete: deletes a task, guarded by its etag (If-Match). */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { currentEtagFor } from "@/lib/nextcloud/caldav/dav-store";
import { deleteCalendarObject, getCalendarObject } from "@/lib/nextcloud/caldav/caldav-client";
import { readTask } from "@/lib/nextcloud/caldav/calendar-tasks";
import { invalid } from "@/lib/nextcloud/caldav/ical-time";
import { calendarId, connectionOf, etagInput, itemId } from "../calendar/calendar-shapes";

export const ncTasksDelete = defineNextcloudTool({
  name: "nc_tasks_delete",
  title: "Delete a task",
  description: "Deletes a task by calendar and id from nc_tasks_list. Pass etag to delete it only if nobody changed it since you read it. Needs calendar.write (and calendar.read).",
  input: z.object({ calendar: calendarId, id: itemId, etag: etagInput }),
  output: z.object({ calendar: z.string(), id: z.string(), title: z.string(), deleted: z.literal(true) }),
  annotations: { title: "Delete a task", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ["calendar.read", "calendar.write"],
  async run({ calendar, id, etag }, context) {
    const connection = connectionOf(context);
    const current = await getCalendarObject(connection, calendar, id);
    const task = readTask(current, calendar);
    // This tool deletes tasks only: an event is deleted with nc_calendar_delete_event.
    if (!task) throw invalid(`"${id}" in calendar "${calendar}" is not a task.`);
    await deleteCalendarObject(connection, calendar, id, currentEtagFor(etag, current, "The task"));
    return { structured: { calendar, id, title: task.title, deleted: true as const }, text: `Deleted task "${task.title}" [${calendar}/${id}].` };
  },
});
