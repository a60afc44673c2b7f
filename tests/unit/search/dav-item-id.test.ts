import { describe, expect, it } from "vitest";
import { davItemId, splitDavItemId } from "@/lib/search/dav-item-id";

describe("DAV item ids in the search index", () => {
  it("round-trips a collection and a file name", () => {
    expect(davItemId("personal", "a1b2.ics")).toBe("personal/a1b2.ics");
    expect(splitDavItemId(davItemId("contacts", "seed-bob.vcf"))).toEqual({ collection: "contacts", file: "seed-bob.vcf" });
  });

  it("refuses ids without both parts, so verify on read drops them instead of fetching a wrong path", () => {
    for (const bad of ["", "personal", "/a.ics", "personal/", "/"]) expect(splitDavItemId(bad)).toBeUndefined();
  });
});
