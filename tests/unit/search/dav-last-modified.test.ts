import { describe, expect, it } from "vitest";
import { contactLastModified, eventLastModified } from "@/lib/search/dav-last-modified";

const ics = (vevents: string[]) => ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", ...vevents, "END:VCALENDAR", ""].join("\r\n");
const vevent = (lines: string[]) => ["BEGIN:VEVENT", "UID:e1@test", "DTSTART:20270301T100000Z", ...lines, "END:VEVENT"].join("\r\n");

describe("eventLastModified", () => {
  it("takes LAST-MODIFIED over DTSTAMP", () => {
    expect(eventLastModified(ics([vevent(["DTSTAMP:20260101T000000Z", "LAST-MODIFIED:20260215T093000Z"])]))?.toISOString()).toBe("2026-02-15T09:30:00.000Z");
  });
  it("falls back to DTSTAMP", () => {
    expect(eventLastModified(ics([vevent(["DTSTAMP:20260101T120000Z"])]))?.toISOString()).toBe("2026-01-01T12:00:00.000Z");
  });
  it("reads the master of a recurring event, not an overridden instance", () => {
    const master = vevent(["RRULE:FREQ=WEEKLY", "LAST-MODIFIED:20260301T000000Z"]);
    const instance = ["BEGIN:VEVENT", "UID:e1@test", "RECURRENCE-ID:20270308T100000Z", "DTSTART:20270308T110000Z", "LAST-MODIFIED:20260401T000000Z", "END:VEVENT"].join("\r\n");
    expect(eventLastModified(ics([instance, master]))?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });
  it("null without either property, for no event, or for data that does not parse", () => {
    expect(eventLastModified(ics([vevent([])]))).toBeNull();
    expect(eventLastModified(ics([]))).toBeNull();
    expect(eventLastModified("not a calendar")).toBeNull();
  });
});

describe("contactLastModified", () => {
  const card = (version: string, rev?: string) => ["BEGIN:VCARD", `VERSION:${version}`, "FN:Ada", "UID:c1", ...(rev ? [`REV:${rev}`] : []), "END:VCARD", ""].join("\r\n");
  it("reads REV of vCard 4.0 and 3.0, basic and extended format", () => {
    expect(contactLastModified(card("4.0", "20260310T081500Z"))?.toISOString()).toBe("2026-03-10T08:15:00.000Z");
    expect(contactLastModified(card("3.0", "2026-03-10T08:15:00Z"))?.toISOString()).toBe("2026-03-10T08:15:00.000Z");
    expect(contactLastModified(card("3.0", "20260310T081500Z"))?.toISOString()).toBe("2026-03-10T08:15:00.000Z");
  });
  it("null without REV, with a value that is no time, or for something that is not a vCard", () => {
    expect(contactLastModified(card("4.0"))).toBeNull();
    expect(contactLastModified(card("3.0", "yesterday"))).toBeNull();
    expect(contactLastModified(ics([vevent(["DTSTAMP:20260101T000000Z"])]))).toBeNull();
  });
});
