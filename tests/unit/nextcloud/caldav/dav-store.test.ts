import { describe, expect, it } from "vitest";
import { currentEtagFor } from "@/lib/nextcloud/caldav/dav-store";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";

describe("currentEtagFor", () => {
  const current = { id: "a.ics", etag: '"abc123"', data: "" };
  it("accepts the current etag quoted, unquoted or weak, and returns it as the server wrote it", () => {
    for (const given of [undefined, '"abc123"', "abc123", 'W/"abc123"', " abc123 "]) expect(currentEtagFor(given, current, "The event")).toBe('"abc123"');
  });
  it("refuses a stale etag as a conflict before anything is written", () => {
    let error: unknown;
    try {
      currentEtagFor('"old"', current, "The event");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NextcloudRequestError);
    expect((error as NextcloudRequestError).failure).toBe("conflict");
  });
});
