import { describe, expect, it } from "vitest";
import { davFilesUrlPath, displayDavPath, InvalidPathError, normalizeDavPath, segmentsFromHref } from "@/lib/nextcloud/normalize-dav-path";

describe("normalizeDavPath", () => {
  it.each([
    ["/", []],
    ["", []],
    ["Documents/a.md", ["Documents", "a.md"]],
    ["/Documents//./a.md/", ["Documents", "a.md"]],
    ["  /Photos/  ", ["Photos"]],
    ["Reports%202024/q1.pdf", ["Reports 2024", "q1.pdf"]],
    ["100%.txt", ["100%.txt"]],
    ["50%25 off.txt", ["50% off.txt"]],
    ["a%20b%", ["a%20b%"]],
    ["caf%C3%A9/été.md", ["café", "été.md"]],
    ["...", ["..."]],
    ["..hidden/.profile", ["..hidden", ".profile"]],
    ["%252e%252e", ["%2e%2e"]],
    ["a #1?.md", ["a #1?.md"]],
  ])("%j → %j", (input, segments) => {
    expect(normalizeDavPath(input)).toEqual(segments);
  });

  it.each([
    "..",
    "../etc/passwd",
    "/a/../../b",
    "a/..",
    "%2e%2e/secret",
    "%2E%2E",
    "a/.%2e/b",
    "https://evil.example/remote.php/dav/files/bob/x",
    "HTTP://evil.example",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "//evil.example/x",
    "a\\b",
    "..\\..\\windows",
    "a%2fb",
    "a%5cb",
    "a/%2F../b",
    "a%00b",
    "line\nbreak",
    "tab\there",
    "%ff%fe",
    "x".repeat(256),
    `/${"a/".repeat(2100)}`,
  ])("refuses %j", (input) => {
    expect(() => normalizeDavPath(input)).toThrow(InvalidPathError);
  });

  it("never produces a segment that changes the path once encoded", () => {
    for (const input of ["a/b c/d#e?f&g", "ä/ö/ü", "a+b=c;d,e'f(g)"]) {
      const segments = normalizeDavPath(input);
      const url = davFilesUrlPath("alice", segments);
      expect(segmentsFromHref(url, "alice")).toEqual(segments);
      expect(new URL(url, "http://x").pathname).toBe(url);
    }
  });
});

describe("URL paths and hrefs", () => {
  it("encodes the user and each segment", () => {
    expect(davFilesUrlPath("alice@example.com", [])).toBe("/remote.php/dav/files/alice%40example.com/");
    expect(davFilesUrlPath("alice", ["A B", "c#d.md"])).toBe("/remote.php/dav/files/alice/A%20B/c%23d.md");
    expect(davFilesUrlPath("alice", ["dir"], true)).toBe("/remote.php/dav/files/alice/dir/");
    expect(displayDavPath(["A B", "c"])).toBe("/A B/c");
  });

  it("reads hrefs of the user's tree only (also under a sub-path install and as absolute URLs)", () => {
    expect(segmentsFromHref("/remote.php/dav/files/alice/", "alice")).toEqual([]);
    expect(segmentsFromHref("/remote.php/dav/files/alice/A%20B/x.md", "alice")).toEqual(["A B", "x.md"]);
    expect(segmentsFromHref("https://cloud.example/nextcloud/remote.php/dav/files/alice/x", "alice")).toEqual(["x"]);
    expect(segmentsFromHref("/remote.php/dav/files/alice%40x/y", "alice@x")).toEqual(["y"]);
    expect(segmentsFromHref("/remote.php/dav/files/bob/x", "alice")).toBeUndefined();
    expect(segmentsFromHref("/remote.php/dav/files/alice/a%2fb", "alice")).toBeUndefined();
    expect(segmentsFromHref("/remote.php/dav/files/alice/%2e%2e/bob", "alice")).toBeUndefined();
    expect(segmentsFromHref("/remote.php/dav/files/alice/%zz", "alice")).toBeUndefined();
  });
});
