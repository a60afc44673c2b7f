/**
 * CalDAV (RFC 4791) on Nextcloud's paths, /remote.php/dav/calendars/{uid}/:
 * the calendars of the caller (PROPFIND Depth 1 on the calendar home,
 * §6.2.1), the objects of one calendar in a time range (calendar-query
 * REPORT with comp-filter and time-range, §7.8, §9.9), one object, and
 * writes guarded by etags (dav-store.ts). The {uid} comes from
 * current-user-principal (resolve-dav-user.ts), as for files.
 */
import { childNamed, childrenNamed, DAV_NS, escapeXmlText } from "../parse-xml";
import { resolveDavUser } from "../resolve-dav-user";
import { sendNextcloudRequest, type NextcloudConnection } from "../send-nextcloud-request";
import { calendarHomePath, calendarObjectPath, calendarPath } from "./dav-names";
import { APPLE_ICAL_NS, CALDAV_NS, CALSERVER_NS, ctagOf, lastSegment, parseDavResponses, propKey } from "./dav-responses";
import { davContext, deleteItem, getItem, putItem, reportItems, type DavItem, type WritePrecondition } from "./dav-store";

export interface CalendarInfo {
  id: string;
  name: string;
  color: string | null;
  /** Component types the calendar holds (VEVENT, VTODO, …). */
  components: string[];
  /** getctag: changes whenever an object in the calendar does (null: the server sent none). */
  ctag: string | null;
}

const LIST_BODY = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="${CALDAV_NS}" xmlns:a="${APPLE_ICAL_NS}" xmlns:cs="${CALSERVER_NS}"><d:prop>
<d:resourcetype/><d:displayname/><c:supported-calendar-component-set/><a:calendar-color/><cs:getctag/>
</d:prop></d:propfind>`;

export async function listCalendars(connection: NextcloudConnection): Promise<CalendarInfo[]> {
  const userId = await resolveDavUser(connection);
  const response = await sendNextcloudRequest(connection, { api: "webdav",
    method: "PROPFIND",
    path: calendarHomePath(userId),
    headers: { depth: "1", "content-type": "application/xml; charset=utf-8" },
    body: LIST_BODY,
    context: davContext("Your calendar home"),
  });
  const calendars: CalendarInfo[] = [];
  for (const r of parseDavResponses(response)) {
    const type = r.props.get(propKey(DAV_NS, "resourcetype"));
    if (!childNamed(type, CALDAV_NS, "calendar")) continue;
    const id = lastSegment(r.path);
    const set = r.props.get(propKey(CALDAV_NS, "supported-calendar-component-set"));
    const components = set ? childrenNamed(set, CALDAV_NS, "comp").map((c) => c.attributes.name ?? "").filter(Boolean) : ["VEVENT", "VTODO"];
    const name = r.props.get(propKey(DAV_NS, "displayname"))?.text.trim();
    const color = r.props.get(propKey(APPLE_ICAL_NS, "calendar-color"))?.text.trim();
    calendars.push({ id, name: name || id, color: color || null, components, ctag: ctagOf(r) });
  }
  return calendars.sort((a, b) => a.name.localeCompare(b.name));
}

/** iCalendar UTC form for a time-range (RFC 4791 §9.9: date-time with "Z"). */
function icsUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export interface ObjectQuery {
  component: "VEVENT" | "VTODO";
  /** Only objects overlapping [start, end) (recurring ones when an occurrence does). */
  start?: Date;
  end?: Date;
}

export interface CalendarObjects {
  items: DavItem[];
  /** Objects Nextcloud listed without data or etag (left out). */
  skipped: number;
}

export async function queryCalendarObjects(connection: NextcloudConnection, calendar: string, query: ObjectQuery): Promise<CalendarObjects> {
  const userId = await resolveDavUser(connection);
  const range =
    query.start || query.end
      ? `<c:time-range${query.start ? ` start="${icsUtc(query.start)}"` : ""}${query.end ? ` end="${icsUtc(query.end)}"` : ""}/>`
      : "";
  const body = `<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="${CALDAV_NS}"><d:prop><d:getetag/><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="${escapeXmlText(query.component)}">${range}</c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>`;
  return reportItems(connection, { path: calendarPath(userId, calendar), body, dataProp: { ns: CALDAV_NS, name: "calendar-data" }, subject: `Calendar "${calendar}"` });
}

export async function getCalendarObject(connection: NextcloudConnection, calendar: string, id: string): Promise<DavItem> {
  const userId = await resolveDavUser(connection);
  return getItem(connection, calendarObjectPath(userId, calendar, id), id, `Item "${id}" in calendar "${calendar}"`);
}

export async function putCalendarObject(connection: NextcloudConnection, calendar: string, id: string, data: string, precondition: WritePrecondition): Promise<string | null> {
  const userId = await resolveDavUser(connection);
  return putItem(connection, calendarObjectPath(userId, calendar, id), data, "text/calendar; charset=utf-8", precondition, `Item "${id}" in calendar "${calendar}"`);
}

export async function deleteCalendarObject(connection: NextcloudConnection, calendar: string, id: string, etag: string): Promise<void> {
  const userId = await resolveDavUser(connection);
  await deleteItem(connection, calendarObjectPath(userId, calendar, id), etag, `Item "${id}" in calendar "${calendar}"`);
}

