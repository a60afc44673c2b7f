/**
 * What a new sandbox user finds in their calendar, task list and address
 * book, so that a first question ("what's on Thursday?", "what's Carla's
 * number?") has an answer: the current week (Monday to Sunday in
 * Europe/Berlin) with a weekly recurring stand-up, an all-day conference,
 * appointments with places, attendees and a reminder; open and completed
 * tasks; a few vCards. Times are written as Nextcloud's calendar app writes
 * them: local time with TZID and the zone's VTIMEZONE in the same object.
 */

export const SEED_TIME_ZONE = "Europe/Berlin";

/** Europe/Berlin as Nextcloud's calendar app sends it (RFC 5545 §3.6.5, rules since 1996). */
export const BERLIN_VTIMEZONE = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/Berlin",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0200",
  "TZNAME:CEST",
  "DTSTART:19700329T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0200",
  "TZOFFSETTO:+0100",
  "TZNAME:CET",
  "DTSTART:19701025T030000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
];

export interface SeedItem {
  /** File name inside the collection. */
  name: string;
  body: string;
}

export interface SeedCollection {
  /** Collection name below the user's calendar or address book home. */
  name: string;
  kind: "calendar" | "addressbook";
  displayName: string;
  /** Calendars: the component types it holds (RFC 4791 §5.2.3). */
  components?: ("VEVENT" | "VTODO")[];
  items: SeedItem[];
}

/** A calendar date (no time) as YYYYMMDD, shifted by `days`. */
function dateAfter(start: { y: number; m: number; d: number }, days: number): string {
  const t = new Date(Date.UTC(start.y, start.m - 1, start.d + days));
  return `${t.getUTCFullYear()}${String(t.getUTCMonth() + 1).padStart(2, "0")}${String(t.getUTCDate()).padStart(2, "0")}`;
}

/** Monday of the week that contains `now` in Europe/Berlin. */
export function mondayOfWeek(now: Date, timeZone = SEED_TIME_ZONE): { y: number; m: number; d: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short" }).formatToParts(now).map((p) => [p.type, p.value]),
  );
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday!);
  const t = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) - weekday));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function utcStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function calendarObject(lines: string[]): string {
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Nextcloud sandbox//seed//EN", "CALSCALE:GREGORIAN", ...lines, "END:VCALENDAR", ""].join("\r\n");
}

interface SeedEvent {
  uid: string;
  summary: string;
  day: number;
  start?: string;
  end?: string;
  allDayDays?: number;
  extra?: string[];
}

function eventItem(event: SeedEvent, monday: { y: number; m: number; d: number }, stamp: string): SeedItem {
  const date = dateAfter(monday, event.day);
  const when = event.allDayDays
    ? [`DTSTART;VALUE=DATE:${date}`, `DTEND;VALUE=DATE:${dateAfter(monday, event.day + event.allDayDays)}`]
    : [`DTSTART;TZID=${SEED_TIME_ZONE}:${date}T${event.start}`, `DTEND;TZID=${SEED_TIME_ZONE}:${date}T${event.end}`];
  const lines = ["BEGIN:VEVENT", `UID:${event.uid}`, `DTSTAMP:${stamp}`, `CREATED:${stamp}`, `LAST-MODIFIED:${stamp}`, `SUMMARY:${event.summary}`, ...when, ...(event.extra ?? []), "END:VEVENT"];
  return { name: `${event.uid}.ics`, body: calendarObject([...(event.allDayDays ? [] : BERLIN_VTIMEZONE), ...lines]) };
}

export function seedEvents(now: Date, userEmail: string): SeedItem[] {
  const monday = mondayOfWeek(now);
  const stamp = utcStamp(now);
  // The stand-up started four weeks before this week, so the series crosses weeks (and, in spring and autumn, a DST change).
  const standupStart = dateAfter(monday, -28);
  const standup: SeedItem = {
    name: "seed-standup.ics",
    body: calendarObject([
      ...BERLIN_VTIMEZONE,
      "BEGIN:VEVENT",
      "UID:seed-standup",
      `DTSTAMP:${stamp}`,
      "SUMMARY:Team stand-up",
      `DTSTART;TZID=${SEED_TIME_ZONE}:${standupStart}T093000`,
      `DTEND;TZID=${SEED_TIME_ZONE}:${standupStart}T094500`,
      "RRULE:FREQ=WEEKLY;BYDAY=MO,WE",
      "LOCATION:Video call",
      "DESCRIPTION:Ten minutes: yesterday\\, today\\, blockers.",
      "END:VEVENT",
    ]),
  };
  const events: SeedEvent[] = [
    { uid: "seed-project-review", summary: "Project review", day: 0, start: "140000", end: "150000", extra: ["LOCATION:Room 2.14", "DESCRIPTION:Quarterly review of the migration project."] },
    { uid: "seed-lunch-carla", summary: "Lunch with Carla", day: 1, start: "123000", end: "133000", extra: ["LOCATION:Café Central\\, Marktplatz 3"] },
    { uid: "seed-conference", summary: "Open Source Days (conference)", day: 2, allDayDays: 1, extra: ["LOCATION:Congress Center", "TRANSP:TRANSPARENT"] },
    { uid: "seed-dentist", summary: "Dentist", day: 3, start: "081500", end: "090000", extra: ["LOCATION:Dr. Weber\\, Hauptstraße 5"] },
    {
      uid: "seed-one-on-one",
      summary: "1:1 with Bob",
      day: 3,
      start: "160000",
      end: "163000",
      extra: [`ORGANIZER;CN=Me:mailto:${userEmail}`, "ATTENDEE;CN=Bob Martin;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:bob.martin@example.org"],
    },
    {
      uid: "seed-sprint-planning",
      summary: "Sprint planning",
      day: 4,
      start: "100000",
      end: "113000",
      extra: ["LOCATION:Room 2.14", "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Sprint planning", "TRIGGER:-PT15M", "END:VALARM"],
    },
    { uid: "seed-dinner", summary: "Dinner at Sam's", day: 5, start: "190000", end: "220000", extra: ["LOCATION:Sam's place"] },
  ];
  return [standup, ...events.map((e) => eventItem(e, monday, stamp))];
}

export function seedTasks(now: Date): SeedItem[] {
  const monday = mondayOfWeek(now);
  const stamp = utcStamp(now);
  const task = (uid: string, lines: string[]): SeedItem => ({
    name: `${uid}.ics`,
    body: calendarObject(["BEGIN:VTODO", `UID:${uid}`, `DTSTAMP:${stamp}`, `CREATED:${stamp}`, ...lines, "END:VTODO"]),
  });
  return [
    task("seed-task-train", ["SUMMARY:Book train tickets for the conference", `DUE;VALUE=DATE:${dateAfter(monday, 1)}`, "PRIORITY:1", "STATUS:NEEDS-ACTION"]),
    task("seed-task-present", ["SUMMARY:Buy a birthday present for Carla", `DUE;VALUE=DATE:${dateAfter(monday, 4)}`, "STATUS:NEEDS-ACTION"]),
    task("seed-task-passport", ["SUMMARY:Renew passport", `DUE;VALUE=DATE:${dateAfter(monday, 30)}`, "DESCRIPTION:Appointment at the citizens' office needed.", "STATUS:NEEDS-ACTION"]),
    task("seed-task-slides", ["SUMMARY:Send review slides to Bob", "STATUS:COMPLETED", "PERCENT-COMPLETE:100", `COMPLETED:${stamp}`]),
    task("seed-task-plumber", ["SUMMARY:Call the plumber", "STATUS:COMPLETED", "PERCENT-COMPLETE:100", `COMPLETED:${stamp}`]),
  ];
}

export function seedContacts(): SeedItem[] {
  const card = (uid: string, lines: string[]): SeedItem => ({
    name: `${uid}.vcf`,
    body: ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Nextcloud sandbox//seed//EN", `UID:${uid}`, ...lines, "END:VCARD", ""].join("\r\n"),
  });
  return [
    card("seed-carla", ["FN:Carla Rossi", "N:Rossi;Carla;;;", "EMAIL;TYPE=HOME:carla.rossi@example.org", "TEL;TYPE=CELL:+49 170 5550123", "ORG:Rossi Design", "BDAY:1990-12-12"]),
    card("seed-bob", ["FN:Bob Martin", "N:Martin;Bob;;;", "EMAIL;TYPE=WORK:bob.martin@example.org", "TEL;TYPE=WORK:+49 30 5550456", "ORG:Example GmbH", "TITLE:Project lead"]),
    card("seed-sam", ["FN:Sam Okafor", "N:Okafor;Sam;;;", "EMAIL;TYPE=HOME:sam@example.net", "TEL;TYPE=CELL:+49 151 5550789", "ADR;TYPE=HOME:;;Lindenallee 12;Berlin;;10115;Germany"]),
    card("seed-weber", ["FN:Dr. Anna Weber", "N:Weber;Anna;;Dr.;", "ORG:Zahnarztpraxis Dr. Weber", "TEL;TYPE=WORK:+49 30 5550999", "ADR;TYPE=WORK:;;Hauptstraße 5;Berlin;;10117;Germany", "NOTE:Dentist. Appointments by phone."]),
  ];
}

export function seedCollections(now: Date, userEmail: string): SeedCollection[] {
  return [
    // Nextcloud creates "personal" for every user; it holds events and tasks.
    { name: "personal", kind: "calendar", displayName: "Personal", components: ["VEVENT", "VTODO"], items: seedEvents(now, userEmail) },
    { name: "tasks", kind: "calendar", displayName: "Tasks", components: ["VTODO"], items: seedTasks(now) },
    // Nextcloud's default address book is "contacts".
    { name: "contacts", kind: "addressbook", displayName: "Contacts", items: seedContacts() },
  ];
}
