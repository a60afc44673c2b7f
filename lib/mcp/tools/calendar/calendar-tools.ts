/**
 * The calendar, task and contact tools in catalogue order (one line in
 * tool-catalogue.ts registers them all). 17 tools: the reach of the Python
 * project's 25 with fewer, broader ones, since some clients pass only the
 * first 40-50 tools to the model.
 */
import type { CatalogueTool } from "@/lib/mcp/tool-definition";
import { ncContactsCreate } from "../contacts/nc-contacts-create";
import { ncContactsDelete } from "../contacts/nc-contacts-delete";
import { ncContactsGet } from "../contacts/nc-contacts-get";
import { ncContactsListAddressBooks } from "../contacts/nc-contacts-list-address-books";
import { ncContactsSearch } from "../contacts/nc-contacts-search";
import { ncContactsUpdate } from "../contacts/nc-contacts-update";
import { ncTasksCreate } from "../tasks/nc-tasks-create";
import { ncTasksDelete } from "../tasks/nc-tasks-delete";
import { ncTasksList } from "../tasks/nc-tasks-list";
import { ncTasksUpdate } from "../tasks/nc-tasks-update";
import { ncCalendarCreateEvent } from "./nc-calendar-create-event";
import { ncCalendarDeleteEvent } from "./nc-calendar-delete-event";
import { ncCalendarFindFreeTime } from "./nc-calendar-find-free-time";
import { ncCalendarGetEvent } from "./nc-calendar-get-event";
import { ncCalendarListCalendars } from "./nc-calendar-list-calendars";
import { ncCalendarListEvents } from "./nc-calendar-list-events";
import { ncCalendarUpdateEvent } from "./nc-calendar-update-event";

export const CALENDAR_TOOLS: readonly CatalogueTool[] = [
  ncCalendarListCalendars, ncCalendarListEvents, ncCalendarGetEvent, ncCalendarCreateEvent, ncCalendarUpdateEvent, ncCalendarDeleteEvent, ncCalendarFindFreeTime,
  ncTasksList, ncTasksCreate, ncTasksUpdate, ncTasksDelete,
  ncContactsListAddressBooks, ncContactsSearch, ncContactsGet, ncContactsCreate, ncContactsUpdate, ncContactsDelete,
];
