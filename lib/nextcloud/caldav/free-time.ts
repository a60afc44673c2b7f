/**
 * Free time between busy intervals: within [start, end), optionally only
 * inside daily working hours in a time zone, the gaps of at least
 * `durationMinutes` that no busy interval touches. Pure arithmetic on
 * instants; the wall clock of working hours comes from the tz database,
 * so a day with a DST change still has its 09:00-17:00.
 */
import { localTimeAt, zonedToUtcMs } from "./zoned-time";

export interface Interval {
  startMs: number;
  endMs: number;
}

export interface FreeTimeQuery {
  startMs: number;
  endMs: number;
  durationMinutes: number;
  busy: Interval[];
  /** "HH:MM" wall-clock bounds of each day in `zone`. */
  workingHours?: { from: string; to: string };
  zone: string;
  /** Weekdays to consider (1 = Monday … 7 = Sunday); default all. */
  weekdays?: number[];
  maxSlots: number;
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.endMs > i.startMs).sort((a, b) => a.startMs - b.startMs);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.startMs <= last.endMs) last.endMs = Math.max(last.endMs, i.endMs);
    else out.push({ ...i });
  }
  return out;
}

function hm(value: string): { hour: number; minute: number } {
  const [hour, minute] = value.split(":").map(Number);
  return { hour: hour!, minute: minute! };
}

/** The windows to search: the whole range, or each day's working hours inside it. */
function windows(query: FreeTimeQuery): Interval[] {
  const { startMs, endMs, zone } = query;
  if (!query.workingHours && !query.weekdays) return [{ startMs, endMs }];
  const from = hm(query.workingHours?.from ?? "00:00");
  const to = hm(query.workingHours?.to ?? "24:00");
  const out: Interval[] = [];
  const first = localTimeAt(startMs, zone);
  for (let d = 0; d < 400; d++) {
    const day = new Date(Date.UTC(first.year, first.month - 1, first.day + d));
    const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
    const weekday = ((day.getUTCDay() + 6) % 7) + 1;
    const open = zonedToUtcMs({ ...date, ...from, second: 0 }, zone);
    if (open >= endMs) break;
    if (query.weekdays && !query.weekdays.includes(weekday)) continue;
    const close = to.hour === 24 ? zonedToUtcMs({ year: date.year, month: date.month, day: date.day + 1, hour: 0, minute: 0, second: 0 }, zone) : zonedToUtcMs({ ...date, ...to, second: 0 }, zone);
    const window = { startMs: Math.max(open, startMs), endMs: Math.min(close, endMs) };
    if (window.endMs > window.startMs) out.push(window);
  }
  return out;
}

export function findFreeTime(query: FreeTimeQuery): Interval[] {
  const busy = merge(query.busy);
  const need = query.durationMinutes * 60_000;
  const slots: Interval[] = [];
  for (const window of windows(query)) {
    let cursor = window.startMs;
    for (const b of busy) {
      if (b.endMs <= cursor) continue;
      if (b.startMs >= window.endMs) break;
      if (b.startMs - cursor >= need) slots.push({ startMs: cursor, endMs: b.startMs });
      cursor = Math.max(cursor, b.endMs);
      if (cursor >= window.endMs) break;
    }
    if (window.endMs - cursor >= need) slots.push({ startMs: cursor, endMs: window.endMs });
    if (slots.length >= query.maxSlots) return slots.slice(0, query.maxSlots);
  }
  return slots;
}
