/**
 * The CalDAV and CardDAV clients (lib/nextcloud/caldav, carddav) against the
 * sandbox, which serves Radicale on Nextcloud's paths: seeded calendars,
 * time-range queries with recurrences and time zones, etag-guarded writes
 * (a concurrent change is a conflict, never overwritten), many events, and
 * a server that sends iCalendar that does not parse.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { deleteCalendarObject, getCalendarObject, listCalendars, putCalendarObject, queryCalendarObjects } from "@/lib/nextcloud/caldav/caldav-client";
import { expandItems } from "@/lib/nextcloud/caldav/calendar-events";
import { buildEvent, updateEvent } from "@/lib/nextcloud/caldav/event-writer";
import { buildTask, readTask } from "@/lib/nextcloud/caldav/calendar-tasks";
import { deleteCard, getCard, listAddressBooks, listCards, putCard } from "@/lib/nextcloud/carddav/carddav-client";
import { buildContact, contactMatches, readContact, updateContact } from "@/lib/nextcloud/carddav/vcard-contact";
import { zonedToUtcMs } from "@/lib/nextcloud/caldav/zoned-time";
import { mondayOfWeek } from "@/lib/sandbox/dav/seed-data";
import { startSandbox } from "@/lib/sandbox/start-sandbox";
import { requestFailure, useNextcloudSandbox } from "../helpers/sandbox-fixture";

const nc = useNextcloudSandbox();
const CAL = ["calendar.read", "calendar.write"];

/** Monday 00:00 to the next Monday 00:00 in Europe/Berlin, the seed's week. */
function thisWeek(): { start: Date; end: Date } {
  const m = mondayOfWeek(new Date());
  const at = (days: number) => new Date(zonedToUtcMs({ year: m.y, month: m.m, day: m.d + days, hour: 0, minute: 0, second: 0 }, "Europe/Berlin"));
  return { start: at(0), end: at(7) };
}

describe("CalDAV client", () => {
  it("lists the seeded calendars and expands this week's events (recurring stand-up, all-day conference)", async () => {
    const alice = await nc.connect("alice", ["calendar.read"]);
    const calendars = await listCalendars(alice);
    expect(calendars.map((c) => c.id).sort()).toEqual(["personal", "tasks"]);
    expect(calendars.find((c) => c.id === "tasks")!.components).toEqual(["VTODO"]);
    const { start, end } = thisWeek();
    const { items, skipped } = await queryCalendarObjects(alice, "personal", { component: "VEVENT", start, end });
    expect(skipped).toBe(0);
    const { events, unreadable } = expandItems(items, { calendar: "personal", rangeStartMs: start.getTime(), rangeEndMs: end.getTime() });
    expect(unreadable).toEqual([]);
    expect(events.filter((e) => e.title === "Team stand-up")).toHaveLength(2);
    expect(events.some((e) => e.all_day)).toBe(true);
    expect(events.find((e) => e.title === "Dentist")!.start).toMatch(/T08:15:00\+0[12]:00$/);
  });

  it("creates an event in a zone, reads it back at the same instant, and refuses a second create with the same name", async () => {
    const bob = await nc.connect("bob", CAL);
    const { data } = buildEvent({ title: "Call with Tokyo", start: "2026-07-01T09:00:00", end: "2026-07-01T10:00:00", time_zone: "Asia/Tokyo", attendees: [{ email: "kenji@example.jp", name: "Kenji" }], reminder_minutes_before: [10] });
    expect(await putCalendarObject(bob, "personal", "tokyo.ics", data, { create: true })).toBeTruthy();
    const conflict = await requestFailure(putCalendarObject(bob, "personal", "tokyo.ics", data, { create: true }));
    expect(conflict.failure).toBe("conflict");
    const { items } = await queryCalendarObjects(bob, "personal", { component: "VEVENT", start: new Date("2026-06-30T00:00:00Z"), end: new Date("2026-07-02T00:00:00Z") });
    const [event] = expandItems(items, { calendar: "personal", rangeStartMs: Date.parse("2026-06-30T00:00:00Z"), rangeEndMs: Date.parse("2026-07-02T00:00:00Z") }).events;
    expect(event).toMatchObject({ title: "Call with Tokyo", start: "2026-07-01T09:00:00+09:00", time_zone: "Asia/Tokyo", reminders_minutes_before: [10] });
    expect(new Date(event!.startMs).toISOString()).toBe("2026-07-01T00:00:00.000Z");
  });

  it("reports a concurrent change as a conflict and never overwrites it", async () => {
    const carol = await nc.connect("carol", CAL);
    const first = await getCalendarObject(carol, "personal", "seed-dentist.ics");
    const window = { allDay: false, startMs: 0, endMs: 3_600_000 };
    // Someone else moves the appointment first...
    const theirs = updateEvent(first.data, first.id, { title: "Dentist (theirs)" }, window);
    await putCalendarObject(carol, "personal", first.id, theirs, { etag: first.etag });
    // ...then our change, based on the old etag, must fail.
    const ours = updateEvent(first.data, first.id, { title: "Dentist (ours)" }, window);
    const error = await requestFailure(putCalendarObject(carol, "personal", first.id, ours, { etag: first.etag }));
    expect(error.failure).toBe("conflict");
    expect((await getCalendarObject(carol, "personal", first.id)).data).toContain("Dentist (theirs)");
    const deleteStale = await requestFailure(deleteCalendarObject(carol, "personal", first.id, first.etag));
    expect(deleteStale.failure).toBe("conflict");
  });

  it("answers an unknown calendar or item with not_found, and refuses names that would leave the calendar", async () => {
    const dave = await nc.connect("dave", CAL);
    expect((await requestFailure(queryCalendarObjects(dave, "no-such-calendar", { component: "VEVENT" }))).failure).toBe("not_found");
    expect((await requestFailure(getCalendarObject(dave, "personal", "missing.ics"))).failure).toBe("not_found");
    for (const name of ["..", "a/b", "../../alice/personal"]) expect((await requestFailure(getCalendarObject(dave, name, "x.ics"))).failure).toBe("invalid");
  });

  it("lists a calendar with many events (120, a daily series included) in one query", async () => {
    const erin = await nc.connect("erin", CAL);
    const day = Date.parse("2027-03-01T08:00:00Z");
    const COUNT = 120;
    // Four writers at a time (Radicale serialises writes anyway).
    for (let i = 0; i < COUNT; i += 4) {
      await Promise.all(
        Array.from({ length: Math.min(4, COUNT - i) }, (_, k) => {
          const n = i + k;
          const { data } = buildEvent({ title: `Event ${n}`, start: new Date(day + n * 3_600_000).toISOString(), ...(n === 0 ? { rrule: "FREQ=DAILY;COUNT=60" } : {}) });
          return putCalendarObject(erin, "personal", `bulk-${n}.ics`, data, { create: true });
        }),
      );
    }
    const range = { start: new Date("2027-03-01T00:00:00Z"), end: new Date("2027-04-01T00:00:00Z") };
    const { items } = await queryCalendarObjects(erin, "personal", { component: "VEVENT", ...range });
    // The 120 plus the seeded stand-up series, which recurs without end.
    expect(items.length).toBe(COUNT + 1);
    const { events } = expandItems(items, { calendar: "personal", rangeStartMs: range.start.getTime(), rangeEndMs: range.end.getTime() });
    expect(events.filter((e) => e.title === "Event 0")).toHaveLength(31);
  });

  it("writes and completes tasks", async () => {
    const frank = await nc.connect("frank", CAL);
    const { data } = buildTask({ title: "Water the plants", due: "2026-12-10" });
    await putCalendarObject(frank, "tasks", "plants.ics", data, { create: true });
    const { items } = await queryCalendarObjects(frank, "tasks", { component: "VTODO" });
    const tasks = items.map((i) => readTask(i, "tasks")!);
    expect(tasks.find((t) => t.title === "Water the plants")).toMatchObject({ due: "2026-12-10", completed: false });
    expect(tasks.filter((t) => t.completed).length).toBeGreaterThanOrEqual(2);
  });
});

describe("CardDAV client", () => {
  it("lists, searches, creates, updates with etag and deletes contacts", async () => {
    const alice = await nc.connect("alice", ["contacts.read", "contacts.write"]);
    const books = await listAddressBooks(alice);
    expect(books.map(({ id, name }) => ({ id, name }))).toEqual([{ id: "contacts", name: "Contacts" }]);
    expect(books[0]!.ctag).toMatch(/\S/); // getctag, what the search index's sync compares
    const { items } = await listCards(alice, "contacts");
    const contacts = items.map((i) => readContact(i, "contacts"));
    expect(contacts.filter((c) => contactMatches(c, "carla")).map((c) => c.phones[0]!.value)).toEqual(["+49 170 5550123"]);
    expect(contacts.filter((c) => contactMatches(c, "5550456")).map((c) => c.name)).toEqual(["Bob Martin"]);
    const { data } = buildContact({ given_name: "Greta", family_name: "Nilsson", emails: [{ value: "greta@example.se", type: "work" }] });
    await putCard(alice, "contacts", "greta.vcf", data, { create: true });
    expect((await listAddressBooks(alice))[0]!.ctag).not.toBe(books[0]!.ctag); // a write gives the book a new ctag
    const card = await getCard(alice, "contacts", "greta.vcf");
    expect(readContact(card, "contacts")).toMatchObject({ name: "Greta Nilsson", emails: [{ value: "greta@example.se", type: "work" }] });
    await putCard(alice, "contacts", "greta.vcf", updateContact(card.data, card.id, { phones: [{ value: "+46 8 555 0100", type: "cell" }] }), { etag: card.etag });
    expect((await requestFailure(putCard(alice, "contacts", "greta.vcf", card.data, { etag: card.etag }))).failure).toBe("conflict");
    const fresh = await getCard(alice, "contacts", "greta.vcf");
    expect(readContact(fresh, "contacts").phones).toEqual([{ value: "+46 8 555 0100", type: "cell" }]);
    await deleteCard(alice, "contacts", "greta.vcf", fresh.etag);
    expect((await requestFailure(getCard(alice, "contacts", "greta.vcf"))).failure).toBe("not_found");
  });
});

describe("a sandbox without Radicale", () => {
  it("fails calendar calls with an error that says how to install it", async () => {
    const bare = await startSandbox({ issuer: nc.issuer.issuer, audience: "nextcloud", dav: { enabled: false } });
    try {
      const connection = { ...(await nc.connect("alice", ["calendar.read"])), baseUrl: bare.url };
      const error = await requestFailure(listCalendars(connection));
      expect(error.failure).toBe("unavailable");
      expect(error.message).toMatch(/apt-get install .*radicale/);
    } finally {
      await bare.close();
    }
  });
});

describe("a server that sends iCalendar that does not parse", () => {
  it("skips the unreadable object and keeps the rest", async () => {
    const good = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:g\nDTSTAMP:20260101T000000Z\nSUMMARY:Readable\nDTSTART:20261207T100000Z\nDTEND:20261207T110000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    const response = (href: string, data: string) =>
      `<d:response><d:href>${href}</d:href><d:propstat><d:prop><d:getetag>"1"</d:getetag><c:calendar-data>${data}</c:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
    // A real HTTP server on loopback that answers like a CalDAV server holding one broken object.
    const server = http.createServer((req, res) => {
      res.writeHead(207, { "content-type": "application/xml; charset=utf-8" });
      if (req.url === "/remote.php/dav/") {
        return res.end(`<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/remote.php/dav/</d:href><d:propstat><d:prop><d:current-user-principal><d:href>/remote.php/dav/principals/users/zed/</d:href></d:current-user-principal></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`);
      }
      res.end(`<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">${response("/remote.php/dav/calendars/zed/personal/bad.ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:not-a-date\nEND:VCALENDAR")}${response("/remote.php/dav/calendars/zed/personal/good.ics", good)}</d:multistatus>`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const connection = { ...(await nc.connect("zed", ["calendar.read"])), baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
      const { items } = await queryCalendarObjects(connection, "personal", { component: "VEVENT" });
      const { events, unreadable } = expandItems(items, { calendar: "personal", rangeStartMs: Date.parse("2026-12-01T00:00:00Z"), rangeEndMs: Date.parse("2026-12-31T00:00:00Z") });
      expect(events.map((e) => e.title)).toEqual(["Readable"]);
      expect(unreadable).toEqual(["bad.ics"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
