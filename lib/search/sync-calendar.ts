/**
 * The calendar source of the index: every event (VEVENT) of every calendar
 * that holds events, as its summary (title) plus start, location and
 * description (body); a recurring event is one item (its first occurrence's
 * start); last changed = its LAST-MODIFIED or DTSTAMP (dav-last-modified.ts). Change detection by calendar getctag and object etag
 * (sync-dav-collections.ts); tasks (VTODO) are not indexed.
 */
import { listCalendars, queryCalendarObjects } from "@/lib/nextcloud/caldav/caldav-client";
import { describeObject } from "@/lib/nextcloud/caldav/calendar-events";
import { eventLastModified } from "./dav-last-modified";
import type { SyncChanges, SyncInput } from "./sync-changes";
import { syncDavCollections, type DavSource } from "./sync-dav-collections";

const calendarSource: DavSource = {
  source: "calendar",
  async collections(input) {
    const calendars = await listCalendars(input.connection);
    return calendars.filter((c) => c.components.includes("VEVENT")).map((c) => ({ id: c.id, ctag: c.ctag }));
  },
  async items(input, calendar) {
    return (await queryCalendarObjects(input.connection, calendar, { component: "VEVENT" })).items;
  },
  document(item, calendar) {
    const event = describeObject(item, calendar);
    const body = [`Starts ${event.start}${event.recurring ? " (repeats)" : ""}`, event.location, event.description].filter(Boolean).join("\n");
    return { title: event.title || "(untitled event)", body, lastModified: eventLastModified(item.data) };
  },
};

export const syncCalendar = (input: SyncInput): Promise<SyncChanges> => syncDavCollections(calendarSource, input);
