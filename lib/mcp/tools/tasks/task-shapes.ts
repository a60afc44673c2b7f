/** How tasks look in the nc_tasks_* tools' results. */
import { z } from "zod";
import type { Task } from "@/lib/nextcloud/caldav/calendar-tasks";

export const taskShape = z.object({
  calendar: z.string(),
  id: z.string(),
  uid: z.string(),
  etag: z.string(),
  title: z.string(),
  description: z.string(),
  due: z.string().nullable().describe("A date (YYYY-MM-DD) or ISO 8601 with offset; null when there is none."),
  completed: z.boolean(),
  completed_at: z.string().nullable(),
  status: z.string(),
  priority: z.number().int().nullable().describe("1 (highest) … 9 (lowest)."),
  percent_complete: z.number(),
});

export function taskOut(task: Task): z.output<typeof taskShape> {
  const { dueMs: _d, ...rest } = task;
  return rest;
}

export function describeTask(t: Pick<Task, "title" | "due" | "completed" | "calendar" | "id">): string {
  return `${t.completed ? "[x]" : "[ ]"} "${t.title}"${t.due ? ` due ${t.due}` : ""} [${t.calendar}/${t.id}]`;
}
