/**
 * Tasks (VTODO, RFC 5545 §3.6.2) as tools show and change them. Completing
 * a task sets STATUS:COMPLETED, PERCENT-COMPLETE:100 and COMPLETED (UTC),
 * as Nextcloud's Tasks app does; reopening clears them. DUE is a date
 * ("2026-12-09") or a date-time with offset in the task's zone.
 */
import { randomUUID } from "node:crypto";
import ICAL from "ical.js";
import type { DavItem } from "./dav-store";
import { checkZone, ensureVtimezone, icalDate, icalDateOf, icalInstant, icalTimeAt, ianaNameOf, inputInstant, invalid, parseInputTime } from "./ical-time";
import { parseCalendarForReading, parseComponent, textValue } from "./parse-icalendar";
import { formatInZone, localTimeAt } from "./zoned-time";

export interface Task {
  calendar: string;
  id: string;
  uid: string;
  etag: string;
  title: string;
  description: string;
  /** A date, or ISO 8601 with offset; null when the task has no due date. */
  due: string | null;
  completed: boolean;
  completed_at: string | null;
  status: string;
  /** 1 (highest) … 9 (lowest), null when unset (RFC 5545 §3.8.1.9). */
  priority: number | null;
  percent_complete: number;
  /** For filtering and sorting (not in tool output). */
  dueMs: number | null;
}

export interface TaskFields {
  title?: string;
  description?: string;
  /** "" removes the due date. */
  due?: string;
  time_zone?: string;
  priority?: number;
  completed?: boolean;
}

export function readTask(item: DavItem, calendar: string, displayZone?: string): Task | undefined {
  const vcalendar = parseCalendarForReading(item.data, `the task "${item.id}"`);
  const vtodo = vcalendar.getFirstSubcomponent("vtodo");
  if (!vtodo) return undefined;
  const dueProp = vtodo.getFirstProperty("due");
  const due = dueProp?.getFirstValue() as ICAL.Time | undefined;
  const tzid = dueProp?.getParameter("tzid") as string | undefined;
  const zone = displayZone ?? ianaNameOf(tzid) ?? "UTC";
  const dueMs = due ? icalInstant(due, tzid, zone) : null;
  const completedAt = vtodo.getFirstPropertyValue("completed") as ICAL.Time | null;
  const status = textValue(vtodo, "status").toUpperCase() || "NEEDS-ACTION";
  const priority = Number(vtodo.getFirstPropertyValue("priority") ?? 0);
  return {
    calendar,
    id: item.id,
    uid: textValue(vtodo, "uid"),
    etag: item.etag,
    title: textValue(vtodo, "summary"),
    description: textValue(vtodo, "description"),
    due: due ? (due.isDate ? icalDate(due) : formatInZone(dueMs!, zone)) : null,
    completed: status === "COMPLETED" || Boolean(completedAt),
    completed_at: completedAt ? formatInZone(icalInstant(completedAt, undefined, "UTC"), zone) : null,
    status,
    priority: priority >= 1 && priority <= 9 ? priority : null,
    percent_complete: Number(vtodo.getFirstPropertyValue("percent-complete") ?? (status === "COMPLETED" ? 100 : 0)),
    dueMs,
  };
}

function applyTaskFields(vcalendar: ICAL.Component, vtodo: ICAL.Component, fields: TaskFields, now: Date): void {
  if (fields.title !== undefined) {
    if (fields.title.trim() === "") throw invalid("title must not be empty.");
    vtodo.updatePropertyWithValue("summary", fields.title);
  }
  if (fields.description !== undefined) {
    vtodo.removeAllProperties("description");
    if (fields.description !== "") vtodo.addPropertyWithValue("description", fields.description);
  }
  if (fields.priority !== undefined) {
    vtodo.removeAllProperties("priority");
    if (fields.priority > 0) vtodo.addPropertyWithValue("priority", fields.priority);
  }
  const zone = checkZone("time_zone", fields.time_zone);
  if (fields.due !== undefined) {
    vtodo.removeAllProperties("due");
    if (fields.due !== "") {
      const parsed = parseInputTime("due", fields.due);
      const property = new ICAL.Property("due", vtodo);
      if (parsed.date) property.setValue(icalDateOf(parsed.date));
      else {
        const ms = inputInstant("due", parsed, zone);
        const tz = zone ? ensureVtimezone(vcalendar, zone, localTimeAt(ms, zone).year, 1) : undefined;
        property.setValue(icalTimeAt(ms, tz));
        if (tz) property.setParameter("tzid", tz.tzid);
      }
      vtodo.addProperty(property);
    }
  }
  if (fields.completed !== undefined) {
    for (const name of ["status", "percent-complete", "completed"]) vtodo.removeAllProperties(name);
    if (fields.completed) {
      vtodo.addPropertyWithValue("status", "COMPLETED");
      vtodo.addPropertyWithValue("percent-complete", 100);
      vtodo.addPropertyWithValue("completed", icalTimeAt(now.getTime(), undefined));
    } else {
      vtodo.addPropertyWithValue("status", "NEEDS-ACTION");
    }
  }
  const utc = icalTimeAt(now.getTime(), undefined);
  vtodo.updatePropertyWithValue("dtstamp", utc);
  vtodo.updatePropertyWithValue("last-modified", utc);
}

export function buildTask(fields: TaskFields & { title: string }, now = new Date()): { uid: string; data: string } {
  const uid = randomUUID();
  const vcalendar = new ICAL.Component("vcalendar");
  vcalendar.addPropertyWithValue("prodid", "-//nextcloud-mcp//EN");
  vcalendar.addPropertyWithValue("version", "2.0");
  const vtodo = new ICAL.Component("vtodo");
  vtodo.addPropertyWithValue("uid", uid);
  vtodo.addPropertyWithValue("created", icalTimeAt(now.getTime(), undefined));
  applyTaskFields(vcalendar, vtodo, { completed: false, ...fields }, now);
  vcalendar.addSubcomponent(vtodo);
  return { uid, data: vcalendar.toString() };
}

export function updateTask(data: string, id: string, fields: TaskFields, now = new Date()): string {
  const vcalendar = parseComponent(data, "vcalendar", `the task "${id}"`);
  const vtodo = vcalendar.getFirstSubcomponent("vtodo");
  if (!vtodo) throw invalid(`"${id}" is not a task.`);
  applyTaskFields(vcalendar, vtodo, fields, now);
  return vcalendar.toString();
}
