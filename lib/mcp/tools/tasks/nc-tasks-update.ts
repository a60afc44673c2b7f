/** nc_tasks_update: changes the given fields of a task, incl. completing or reopening it; If-Match guarded. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { currentEtagFor } from "@/lib/nextcloud/caldav/dav-store";
import { getCalendarObject, putCalendarObject } from "@/lib/nextcloud/caldav/caldav-client";
import { readTask, updateTask } from "@/lib/nextcloud/caldav/calendar-tasks";
import { checkZone, invalid } from "@/lib/nextcloud/caldav/ical-time";
import { calendarId, connectionOf, dateTimeInput, etagInput, itemId, timeZoneInput } from "../calendar/calendar-shapes";
import { describeTask, taskOut, taskShape } from "./task-shapes";

export const ncTasksUpdate = defineNextcloudTool({
  name: "nc_tasks_update",
  title: "Update or complete a task",
  description:
    "Changes only the fields you give of a task (calendar and id from nc_tasks_list): completed true marks it done, false reopens it; title, description, due (date or ISO 8601 with offset; \"\" removes it), priority (1-9, 0 removes it). Pass etag to change it only if nobody changed it since you read it. Needs calendar.write (and calendar.read).",
  input: z.object({
    calendar: calendarId,
    id: itemId,
    etag: etagInput,
    completed: z.boolean().optional(),
    title: z.string().min(1).max(500).optional(),
    description: z.string().max(20_000).optional(),
    due: z.union([dateTimeInput, z.literal("")]).optional(),
    time_zone: timeZoneInput.optional(),
    priority: z.number().int().min(0).max(9).optional(),
  }),
  output: taskShape.extend({ previous_etag: z.string() }),
  annotations: { title: "Update or complete a task", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["calendar.read", "calendar.write"],
  async run({ calendar, id, etag, time_zone, ...fields }, context) {
    if (Object.values(fields).every((v) => v === undefined)) throw invalid("Nothing to change: give completed, title, description, due or priority.");
    const zone = checkZone("time_zone", time_zone);
    const connection = connectionOf(context);
    const current = await getCalendarObject(connection, calendar, id);
    currentEtagFor(etag, current, "The task");
    if (!readTask(current, calendar)) throw invalid(`"${id}" in calendar "${calendar}" is not a task.`);
    await putCalendarObject(connection, calendar, id, updateTask(current.data, id, { ...fields, time_zone: zone }), { etag: current.etag });
    const task = readTask(await getCalendarObject(connection, calendar, id), calendar, zone)!;
    return { structured: { ...taskOut(task), previous_etag: current.etag }, text: `Updated ${describeTask(task)}. New etag ${task.etag}.` };
  },
});
