/** nc_tasks_list: tasks across the caller's task lists, by state, due range and text. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { queryCalendarObjects } from "@/lib/nextcloud/caldav/caldav-client";
import { readTask, type Task } from "@/lib/nextcloud/caldav/calendar-tasks";
import { checkZone, inputInstant, parseInputTime } from "@/lib/nextcloud/caldav/ical-time";
import { calendarId, connectionOf, dateTimeInput, pickCalendars, timeZoneInput } from "../calendar/calendar-shapes";
import { describeTask, taskOut, taskShape } from "./task-shapes";

export const ncTasksList = defineNextcloudTool({
  name: "nc_tasks_list",
  title: "List tasks",
  description:
    "Lists your Nextcloud tasks (VTODO) from every task list or one calendar: status open (default), completed or all; optional due_after/due_before (ISO 8601 with offset, or dates) and query (text in title or description), limit and offset (paging). Open tasks come first by due date. Needs calendar.read.",
  input: z.object({
    calendar: calendarId.optional(),
    status: z.enum(["open", "completed", "all"]).default("open"),
    due_after: dateTimeInput.optional(),
    due_before: dateTimeInput.optional(),
    time_zone: timeZoneInput.optional(),
    query: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).max(100_000).default(0).describe("Skip this many results (paging: pass the previous offset + limit)."),
  }),
  output: z.object({ tasks: z.array(taskShape), total: z.number().int(), truncated: z.boolean(), unreadable: z.array(z.object({ calendar: z.string(), id: z.string() })) }),
  annotations: { title: "List tasks", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["calendar.read"],
  async run({ calendar, status, due_after, due_before, time_zone, query, limit, offset }, context) {
    const connection = connectionOf(context);
    const zone = checkZone("time_zone", time_zone);
    const after = due_after ? inputInstant("due_after", parseInputTime("due_after", due_after), zone ?? "UTC") : undefined;
    const before = due_before ? inputInstant("due_before", parseInputTime("due_before", due_before), zone ?? "UTC") : undefined;
    const needle = query?.toLocaleLowerCase();
    const all: Task[] = [];
    const unreadable: { calendar: string; id: string }[] = [];
    for (const c of await pickCalendars(connection, "VTODO", calendar)) {
      const { items } = await queryCalendarObjects(connection, c.id, { component: "VTODO" });
      for (const item of items) {
        let task: Task | undefined;
        try {
          task = readTask(item, c.id, zone);
        } catch {
          unreadable.push({ calendar: c.id, id: item.id });
          continue;
        }
        if (!task) continue;
        if (status === "open" && task.completed) continue;
        if (status === "completed" && !task.completed) continue;
        if (after !== undefined && (task.dueMs === null || task.dueMs < after)) continue;
        if (before !== undefined && (task.dueMs === null || task.dueMs >= before)) continue;
        if (needle && !`${task.title}\n${task.description}`.toLocaleLowerCase().includes(needle)) continue;
        all.push(task);
      }
    }
    all.sort((a, b) => Number(a.completed) - Number(b.completed) || (a.dueMs ?? Infinity) - (b.dueMs ?? Infinity) || a.title.localeCompare(b.title));
    const tasks = all.slice(offset, offset + limit);
    return {
      structured: { tasks: tasks.map(taskOut), total: all.length, truncated: all.length > offset + tasks.length, unreadable },
      text: tasks.length ? `${all.length} task(s):\n${tasks.map((t) => `- ${describeTask(t)}`).join("\n")}` : "No tasks match.",
    };
  },
});
