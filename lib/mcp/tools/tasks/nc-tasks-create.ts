/** nc_tasks_create: a new task (If-None-Match: *), read back for its etag. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { getCalendarObject, putCalendarObject } from "@/lib/nextcloud/caldav/caldav-client";
import { buildTask, readTask } from "@/lib/nextcloud/caldav/calendar-tasks";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { calendarId, connectionOf, dateTimeInput, targetCalendar, timeZoneInput } from "../calendar/calendar-shapes";
import { describeTask, taskOut, taskShape } from "./task-shapes";

export const ncTasksCreate = defineNextcloudTool({
  name: "nc_tasks_create",
  title: "Create a task",
  description: "Creates a task in one of your Nextcloud task lists (default: the list \"tasks\", else the first calendar that holds tasks). due is a date (2026-12-09) or ISO 8601 with offset (or wall clock with time_zone, IANA); priority 1 (highest) … 9. Needs calendar.write (and calendar.read).",
  input: z.object({
    calendar: calendarId.optional(),
    title: z.string().min(1).max(500),
    description: z.string().max(20_000).optional(),
    due: dateTimeInput.optional(),
    time_zone: timeZoneInput.optional(),
    priority: z.number().int().min(1).max(9).optional(),
  }),
  output: taskShape,
  annotations: { title: "Create a task", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["calendar.read", "calendar.write"],
  async run({ calendar, time_zone, ...fields }, context) {
    const connection = connectionOf(context);
    const target = await targetCalendar(connection, "VTODO", calendar, "tasks");
    const { uid, data } = buildTask({ ...fields, time_zone });
    const id = `${uid}.ics`;
    await putCalendarObject(connection, target.id, id, data, { create: true });
    const task = readTask(await getCalendarObject(connection, target.id, id), target.id, time_zone);
    if (!task) throw new NextcloudRequestError("unexpected", "Nextcloud did not keep the task as written.");
    return { structured: taskOut(task), text: `Created ${describeTask(task)}. Etag ${task.etag}.` };
  },
});
