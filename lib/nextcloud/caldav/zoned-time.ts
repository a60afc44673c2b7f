/**
 * Wall-clock times in IANA time zones, computed with the runtime's tz
 * database (Intl), for what iCalendar leaves to the reader: a TZID without a
 * VTIMEZONE, floating times (RFC 5545 §3.3.5 form #1, "the same hour in
 * whatever zone the attendee is in"), and writing a VTIMEZONE for an event
 * created in a zone. DST gaps and overlaps follow RFC 5545 §3.3.5: a time
 * that does not exist is moved forward by the gap; an ambiguous one takes
 * the first (daylight) occurrence.
 */

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    if (formatters.size > 500) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

/** True for a zone name the tz database knows (e.g. "Europe/Berlin", "UTC"); false for offsets and Windows names. */
export function isIanaZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at `utcMs` in `zone`. */
export function localTimeAt(utcMs: number, zone: string): LocalDateTime {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

function asUtcMs(t: LocalDateTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/** Offset of `zone` from UTC at `utcMs`, in minutes (east positive). */
export function offsetMinutesAt(utcMs: number, zone: string): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  return Math.round((asUtcMs(localTimeAt(whole, zone)) - whole) / 60_000);
}

/** The instant of a wall-clock time in `zone` (see the DST rules above). */
export function zonedToUtcMs(local: LocalDateTime, zone: string): number {
  const wall = asUtcMs(local);
  // The two offsets around the time cover every transition; try the larger (earlier instant, daylight) first.
  const candidates = [...new Set([offsetMinutesAt(wall - 86_400_000, zone), offsetMinutesAt(wall + 86_400_000, zone), offsetMinutesAt(wall, zone)])].sort((a, b) => b - a);
  for (const offset of candidates) {
    const utc = wall - offset * 60_000;
    if (offsetMinutesAt(utc, zone) === offset) return utc;
  }
  // In a gap: no offset fits; the wall time is shifted forward by the gap (use the offset before it).
  return wall - Math.min(...candidates) * 60_000;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 with the zone's offset at that instant, e.g. "2026-12-07T10:00:00+01:00". */
export function formatInZone(utcMs: number, zone: string): string {
  const t = localTimeAt(utcMs, zone);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${formatOffset(offsetMinutesAt(utcMs, zone))}`;
}

/** "2026-12-07" */
export function formatDate(t: Pick<LocalDateTime, "year" | "month" | "day">): string {
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
}

function icsLocal(t: LocalDateTime): string {
  return `${pad(t.year, 4)}${pad(t.month)}${pad(t.day)}T${pad(t.hour)}${pad(t.minute)}${pad(t.second)}`;
}

function icsOffset(minutes: number): string {
  return formatOffset(minutes).replace(":", "");
}

/**
 * A VTIMEZONE (RFC 5545 §3.6.5) for `zone` covering `fromYear`..`toYear`,
 * written as the individual transitions the tz database has in that span
 * (found by scanning day by day and bisecting to the minute), or one
 * STANDARD block for a zone without transitions.
 */
export function vtimezoneLines(zone: string, fromYear: number, toYear: number): string[] {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const blocks: string[] = [];
  let previous = offsetMinutesAt(start, zone);
  const initialOffset = previous;
  for (let t = start + 86_400_000; t <= end; t += 86_400_000) {
    const offset = offsetMinutesAt(t, zone);
    if (offset === previous) continue;
    let lo = t - 86_400_000;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
      if (offsetMinutesAt(mid, zone) === previous) lo = mid;
      else hi = mid;
    }
    // DTSTART of a transition is the local time before it (RFC 5545 §3.6.5: "TZOFFSETFROM" applies to it).
    const kind = offset > previous ? "DAYLIGHT" : "STANDARD";
    blocks.push(`BEGIN:${kind}`, `TZOFFSETFROM:${icsOffset(previous)}`, `TZOFFSETTO:${icsOffset(offset)}`, `DTSTART:${icsLocal(localTimeAt(hi + previous * 60_000, "UTC"))}`, `END:${kind}`);
    previous = offset;
  }
  if (blocks.length === 0) {
    blocks.push("BEGIN:STANDARD", `TZOFFSETFROM:${icsOffset(initialOffset)}`, `TZOFFSETTO:${icsOffset(initialOffset)}`, `DTSTART:${pad(fromYear, 4)}0101T000000`, "END:STANDARD");
  }
  return ["BEGIN:VTIMEZONE", `TZID:${zone}`, ...blocks, "END:VTIMEZONE"];
}
