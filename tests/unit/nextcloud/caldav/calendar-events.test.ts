import { describe, expect, it } from "vitest";
import { expandItem, expandItems } from "@/lib/nextcloud/caldav/calendar-events";
import { BERLIN_VTIMEZONE, seedEvents } from "@/lib/sandbox/dav/seed-data";

const ics = (lines: string[]) => ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", ...lines, "END:VCALENDAR", ""].join("\r\n");
const item = (id: string, data: string) => ({ id, etag: `"${id}"`, data });
const range = (from: string, to: string) => ({ calendar: "personal", rangeStartMs: Date.parse(from), rangeEndMs: Date.parse(to) });

describe("expandItem", () => {
  it("expands a weekly series in its VTIMEZONE across the DST change (wall clock stays, offset moves)", () => {
    const data = ics([...BERLIN_VTIMEZONE, "BEGIN:VEVENT", "UID:w", "DTSTAMP:20260101T000000Z", "SUMMARY:Weekly", "DTSTART;TZID=Europe/Berlin:20260316T093000", "DTEND;TZID=Europe/Berlin:20260316T100000", "RRULE:FREQ=WEEKLY;COUNT=4", "END:VEVENT"]);
    const events = expandItem(item("w.ics", data), range("2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"));
    expect(events.map((e) => e.start)).toEqual(["2026-03-16T09:30:00+01:00", "2026-03-23T09:30:00+01:00", "2026-03-30T09:30:00+02:00", "2026-04-06T09:30:00+02:00"]);
    expect(events[2]!.time_zone).toBe("Europe/Berlin");
    expect(events.every((e) => e.recurring && e.rrule?.includes("WEEKLY"))).toBe(true);
  });

  it("uses the object's VTIMEZONE for a zone name the tz database does not know (Windows names)", () => {
    const windows = BERLIN_VTIMEZONE.map((l) => (l === "TZID:Europe/Berlin" ? "TZID:W. Europe Standard Time" : l));
    const data = ics([...windows, "BEGIN:VEVENT", "UID:o", "DTSTAMP:20260101T000000Z", "SUMMARY:Outlook", "DTSTART;TZID=W. Europe Standard Time:20260316T093000", "DTEND;TZID=W. Europe Standard Time:20260316T100000", "RRULE:FREQ=WEEKLY;COUNT=3", "END:VEVENT"]);
    const events = expandItem(item("o.ics", data), { ...range("2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"), displayZone: "Europe/Berlin" });
    expect(events.map((e) => new Date(e.startMs).toISOString())).toEqual(["2026-03-16T08:30:00.000Z", "2026-03-23T08:30:00.000Z", "2026-03-30T07:30:00.000Z"]);
    expect(events[0]!.time_zone).toBeNull();
  });

  it("honours EXDATE and an overridden instance (RECURRENCE-ID)", () => {
    const data = ics([
      ...BERLIN_VTIMEZONE,
      "BEGIN:VEVENT", "UID:s", "DTSTAMP:20260101T000000Z", "SUMMARY:Standup", "DTSTART;TZID=Europe/Berlin:20261102T090000", "DTEND;TZID=Europe/Berlin:20261102T091500",
      "RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Berlin:20261103T090000", "END:VEVENT",
      "BEGIN:VEVENT", "UID:s", "DTSTAMP:20260101T000000Z", "RECURRENCE-ID;TZID=Europe/Berlin:20261104T090000", "SUMMARY:Standup (late)", "DTSTART;TZID=Europe/Berlin:20261104T110000", "DTEND;TZID=Europe/Berlin:20261104T111500", "END:VEVENT",
    ]);
    const events = expandItem(item("s.ics", data), range("2026-11-01T00:00:00Z", "2026-11-30T00:00:00Z"));
    expect(events.map((e) => [e.start, e.title])).toEqual([
      ["2026-11-02T09:00:00+01:00", "Standup"],
      ["2026-11-04T11:00:00+01:00", "Standup (late)"],
      ["2026-11-05T09:00:00+01:00", "Standup"],
      ["2026-11-06T09:00:00+01:00", "Standup"],
    ]);
    expect(events[1]!.recurrence_id).toBe("2026-11-04T09:00:00+01:00");
  });

  it("reads all-day events as dates, floating times in the display zone, and a TZID without VTIMEZONE through the tz database", () => {
    const allDay = expandItem(item("a.ics", ics(["BEGIN:VEVENT", "UID:a", "DTSTAMP:20260101T000000Z", "SUMMARY:Holiday", "DTSTART;VALUE=DATE:20261225", "DTEND;VALUE=DATE:20261226", "END:VEVENT"])), range("2026-12-20T00:00:00Z", "2026-12-31T00:00:00Z"));
    expect(allDay[0]).toMatchObject({ all_day: true, start: "2026-12-25", end: "2026-12-26" });
    const floating = ics(["BEGIN:VEVENT", "UID:f", "DTSTAMP:20260101T000000Z", "SUMMARY:Floating", "DTSTART:20261207T080000", "DTEND:20261207T090000", "END:VEVENT"]);
    expect(expandItem(item("f.ics", floating), { ...range("2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z"), displayZone: "America/New_York" })[0]!.start).toBe("2026-12-07T08:00:00-05:00");
    const noVtimezone = ics(["BEGIN:VEVENT", "UID:n", "DTSTAMP:20260101T000000Z", "SUMMARY:Tokyo", "DTSTART;TZID=Asia/Tokyo:20260701T090000", "DTEND;TZID=Asia/Tokyo:20260701T100000", "END:VEVENT"]);
    const tokyo = expandItem(item("n.ics", noVtimezone), range("2026-06-01T00:00:00Z", "2026-08-01T00:00:00Z"))[0]!;
    expect(tokyo.start).toBe("2026-07-01T09:00:00+09:00");
    expect(new Date(tokyo.startMs).toISOString()).toBe("2026-07-01T00:00:00.000Z");
  });

  it("counts unreadable objects instead of failing the listing", () => {
    const good = item("g.ics", ics(["BEGIN:VEVENT", "UID:g", "DTSTAMP:20260101T000000Z", "SUMMARY:Good", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z", "END:VEVENT"]));
    const result = expandItems([item("bad.ics", "BEGIN:VCALENDAR\r\nthis is not icalendar\r\n"), item("bad2.ics", "<html>oops</html>"), good], range("2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z"));
    expect(result.events.map((e) => e.title)).toEqual(["Good"]);
    expect(result.unreadable.sort()).toEqual(["bad.ics", "bad2.ics"]);
  });

  it("expands the sandbox seed to a realistic week (stand-up twice, the all-day conference, attendees, a reminder)", () => {
    const now = new Date("2026-12-09T12:00:00Z");
    const items = seedEvents(now, "alice@example.org").map((s) => item(s.name, s.body));
    const { events, unreadable } = expandItems(items, range("2026-12-07T00:00:00+01:00", "2026-12-14T00:00:00+01:00"));
    expect(unreadable).toEqual([]);
    expect(events.filter((e) => e.title === "Team stand-up").map((e) => e.start)).toEqual(["2026-12-07T09:30:00+01:00", "2026-12-09T09:30:00+01:00"]);
    expect(events.find((e) => e.all_day)).toMatchObject({ start: "2026-12-09", title: expect.stringContaining("Open Source Days") });
    expect(events.find((e) => e.title === "1:1 with Bob")!.attendees[0]).toMatchObject({ email: "bob.martin@example.org", name: "Bob Martin" });
    expect(events.find((e) => e.title === "Sprint planning")!.reminders_minutes_before).toEqual([15]);
  });
});
