/** nc_calendar_list_calendars: the caller's calendars and task lists. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { listCalendars } from "@/lib/nextcloud/caldav/caldav-client";
import { calendarInfo, connectionOf } from "./calendar-shapes";

export const ncCalendarListCalendars = defineNextcloudTool({
  name: "nc_calendar_list_calendars",
  title: "List calendars",
  description: "Lists your Nextcloud calendars and task lists: id (use it in the other nc_calendar_* and nc_tasks_* tools), name, color, and whether each holds events (VEVENT) or tasks (VTODO). Needs calendar.read.",
  input: z.object({}),
  output: z.object({ calendars: z.array(calendarInfo) }),
  annotations: { title: "List calendars", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["calendar.read"],
  async run(_input, context) {
    const calendars = await listCalendars(connectionOf(context));
    return {
      structured: { calendars: calendars.map((c) => ({ id: c.id, name: c.name, color: c.color, components: c.components })) },
      text: calendars.length ? `${calendars.length} calendar(s):\n${calendars.map((c) => `- ${c.name} (id "${c.id}", holds ${c.components.join(", ")})`).join("\n")}` : "You have no calendars.",
    };
  },
});
