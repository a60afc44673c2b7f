import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { findFreeTime } from "@/lib/nextcloud/caldav/free-time";
import { buildEvent, updateEvent } from "@/lib/nextcloud/caldav/event-writer";
import { expandItem } from "@/lib/nextcloud/caldav/calendar-events";
import { inputInstant, parseInputTime } from "@/lib/nextcloud/caldav/ical-time";
import { formatInZone, isIanaZone, vtimezoneLines, zonedToUtcMs } from "@/lib/nextcloud/caldav/zoned-time";

describe("zoned time", () => {
  it("knows IANA names and refuses the rest", () => {
    expect(isIanaZone("Europe/Berlin")).toBe(true);
    expect(isIanaZone("UTC")).toBe(true);
    for (const zone of ["Mars/Olympus", "W. Europe Standard Time", "+01:00", "../etc"]) expect(isIanaZone(zone), zone).toBe(false);
  });

  it("converts wall clock across DST: gaps move forward, overlaps take the first", () => {
    expect(new Date(zonedToUtcMs({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, "Europe/Berlin")).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(new Date(zonedToUtcMs({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, "Europe/Berlin")).toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(formatInZone(Date.parse("2026-07-01T00:00:00Z"), "America/New_York")).toBe("2026-06-30T20:00:00-04:00");
  });

  it("writes a VTIMEZONE that ical.js reads back to the same offsets", () => {
    const text = ["BEGIN:VCALENDAR", ...vtimezoneLines("America/New_York", 2026, 2027), "END:VCALENDAR"].join("\r\n");
    const zone = new ICAL.Timezone({ component: new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent("vtimezone")!, tzid: "America/New_York" });
    const summer = ICAL.Time.fromData({ year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0 }, zone);
    const winter = ICAL.Time.fromData({ year: 2027, month: 1, day: 15, hour: 12, minute: 0, second: 0 }, zone);
    expect(summer.toUnixTime()).toBe(Date.parse("2026-07-01T16:00:00Z") / 1000);
    expect(winter.toUnixTime()).toBe(Date.parse("2027-01-15T17:00:00Z") / 1000);
  });

  it("parses tool input strictly", () => {
    expect(inputInstant("start", parseInputTime("start", "2026-12-07T10:00:00+01:00"), undefined)).toBe(Date.parse("2026-12-07T09:00:00Z"));
    expect(inputInstant("start", parseInputTime("start", "2026-12-07T10:00"), "Asia/Tokyo")).toBe(Date.parse("2026-12-07T01:00:00Z"));
    for (const bad of ["tomorrow", "2026-13-01", "2026-02-30", "2026-12-07T25:00", "2026-12-07T10:00+25:00"]) expect(() => parseInputTime("start", bad), bad).toThrow();
    expect(() => inputInstant("start", parseInputTime("start", "2026-12-07T10:00"), undefined)).toThrow(/offset/);
  });
});

describe("event writer", () => {
  it("keeps a weekly event at 10:00 local across DST and keeps the duration when moved", () => {
    const { data } = buildEvent({ title: "Weekly", start: "2026-03-23T10:00:00", end: "2026-03-23T11:00:00", time_zone: "Europe/Berlin", rrule: "FREQ=WEEKLY;COUNT=2" });
    const item = { id: "w.ics", etag: '"1"', data };
    expect(expandItem(item, { calendar: "c", rangeStartMs: Date.parse("2026-03-01T00:00:00Z"), rangeEndMs: Date.parse("2026-04-30T00:00:00Z") }).map((e) => e.start)).toEqual(["2026-03-23T10:00:00+01:00", "2026-03-30T10:00:00+02:00"]);
    const moved = updateEvent(data, "w.ics", { start: "2026-03-23T14:00:00+01:00", location: "Room 2" }, { allDay: false, startMs: Date.parse("2026-03-23T09:00:00Z"), endMs: Date.parse("2026-03-23T10:00:00Z"), zone: "Europe/Berlin" });
    const [first] = expandItem({ ...item, data: moved }, { calendar: "c", rangeStartMs: Date.parse("2026-03-01T00:00:00Z"), rangeEndMs: Date.parse("2026-03-25T00:00:00Z") });
    expect(first).toMatchObject({ start: "2026-03-23T14:00:00+01:00", end: "2026-03-23T15:00:00+01:00", location: "Room 2", title: "Weekly" });
    expect(moved).toMatch(/SEQUENCE:1/);
  });

  it("writes all-day events as dates with an exclusive end and refuses an end before the start", () => {
    const { data } = buildEvent({ title: "Holiday", start: "2026-12-24", end: "2026-12-27", all_day: true });
    expect(data).toMatch(/DTSTART;VALUE=DATE:20261224/);
    expect(data).toMatch(/DTEND;VALUE=DATE:20261227/);
    expect(() => buildEvent({ title: "x", start: "2026-12-24", end: "2026-12-24", all_day: true })).toThrow(/end must be after start/);
    expect(() => buildEvent({ title: "x", start: "2026-12-24T10:00:00Z", end: "2026-12-24T09:00:00Z" })).toThrow(/end must be after start/);
  });
});

describe("free time", () => {
  const at = (s: string) => Date.parse(s);
  it("finds gaps inside working hours on weekdays, merging overlapping busy time", () => {
    const slots = findFreeTime({
      startMs: at("2026-12-04T00:00:00+01:00"), // a Friday
      endMs: at("2026-12-08T00:00:00+01:00"),
      durationMinutes: 60,
      busy: [
        { startMs: at("2026-12-04T09:00:00+01:00"), endMs: at("2026-12-04T10:30:00+01:00") },
        { startMs: at("2026-12-04T10:00:00+01:00"), endMs: at("2026-12-04T12:00:00+01:00") },
        { startMs: at("2026-12-04T16:30:00+01:00"), endMs: at("2026-12-04T18:00:00+01:00") },
      ],
      workingHours: { from: "09:00", to: "17:00" },
      weekdays: [1, 2, 3, 4, 5],
      zone: "Europe/Berlin",
      maxSlots: 10,
    });
    expect(slots.map((s) => [new Date(s.startMs).toISOString(), new Date(s.endMs).toISOString()])).toEqual([
      ["2026-12-04T11:00:00.000Z", "2026-12-04T15:30:00.000Z"],
      ["2026-12-07T08:00:00.000Z", "2026-12-07T16:00:00.000Z"],
    ]);
  });
});

describe("event writer, all-day changes", () => {
  it("moves only the end of an all-day event, whatever time zone is given", () => {
    const { data } = buildEvent({ title: "Trip", start: "2026-12-24", all_day: true });
    const current = { allDay: true, startMs: Date.parse("2026-12-24T00:00:00Z"), endMs: Date.parse("2026-12-25T00:00:00Z") };
    const changed = updateEvent(data, "t.ics", { end: "2026-12-28", time_zone: "America/New_York" }, current);
    expect(changed).toMatch(/DTSTART;VALUE=DATE:20261224/);
    expect(changed).toMatch(/DTEND;VALUE=DATE:20261228/);
  });
});
