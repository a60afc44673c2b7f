import { describe, expect, it } from "vitest";
import { nextcloudHrefToRadicale, nextcloudToRadicale, radicaleHrefToNextcloud, rewriteHrefs } from "@/lib/sandbox/dav/dav-path-mapping";

describe("Nextcloud DAV paths ⇄ Radicale collections", () => {
  it("maps calendar and address book paths per user and back", () => {
    expect(nextcloudToRadicale("/remote.php/dav/calendars/alice/personal/a%20b.ics")).toEqual({ area: "calendars", userId: "alice", radicalePath: "/alice/calendars/personal/a%20b.ics" });
    expect(nextcloudToRadicale("/remote.php/dav/addressbooks/users/al%20ice/contacts/")).toEqual({ area: "addressbooks", userId: "al ice", radicalePath: "/al%20ice/addressbooks/contacts/" });
    expect(radicaleHrefToNextcloud("/alice/calendars/personal/a%20b.ics")).toBe("/remote.php/dav/calendars/alice/personal/a%20b.ics");
    expect(radicaleHrefToNextcloud("/alice/addressbooks/contacts/")).toBe("/remote.php/dav/addressbooks/users/alice/contacts/");
    expect(radicaleHrefToNextcloud("/alice/")).toBe("/remote.php/dav/principals/users/alice/");
    expect(nextcloudHrefToRadicale("http://cloud.example/remote.php/dav/calendars/alice/personal/x.ics")).toBe("/alice/calendars/personal/x.ics");
  });

  it("refuses paths that climb or hide segments", () => {
    for (const path of [
      "/remote.php/dav/calendars/../bob/personal/",
      "/remote.php/dav/calendars/alice/%2e%2e/bob/",
      "/remote.php/dav/calendars/alice/personal/%2E%2E/x",
      "/remote.php/dav/calendars/alice//personal/",
      "/remote.php/dav/calendars/a%2Fb/personal/",
      "/remote.php/dav/calendars/%zz/personal/",
      "/remote.php/dav/files/alice/x",
      "/remote.php/dav/calendars/",
    ]) {
      expect(nextcloudToRadicale(path), path).toBeUndefined();
    }
  });

  it("rewrites hrefs in XML with or without a namespace prefix", () => {
    const xml = `<multistatus xmlns="DAV:"><response><href>/alice/calendars/personal/</href></response><D:href>/alice/</D:href></multistatus>`;
    expect(rewriteHrefs(xml, radicaleHrefToNextcloud)).toBe(
      `<multistatus xmlns="DAV:"><response><href>/remote.php/dav/calendars/alice/personal/</href></response><D:href>/remote.php/dav/principals/users/alice/</D:href></multistatus>`,
    );
  });
});
