import { describe, expect, it } from "vitest";
import { fileVersion } from "@/lib/search/sync-files";

describe("a file's version in the search index (sync and verify on read compare it)", () => {
  it("changes with the size when Nextcloud keeps the etag (a rewrite within the same second)", () => {
    const before = fileVersion({ etag: '"5f1c"', size: 41 });
    expect(fileVersion({ etag: '"5f1c"', size: 23 })).not.toBe(before);
    expect(fileVersion({ etag: '"5f1c"', size: 41 })).toBe(before);
  });

  it("changes with the etag, and reads the same etag quoted, unquoted or weak alike", () => {
    expect(fileVersion({ etag: '"a"', size: 1 })).not.toBe(fileVersion({ etag: '"b"', size: 1 }));
    expect(fileVersion({ etag: "a", size: 1 })).toBe(fileVersion({ etag: '"a"', size: 1 }));
    expect(fileVersion({ etag: 'W/"a"', size: 1 })).toBe(fileVersion({ etag: '"a"', size: 1 }));
  });

  it("has none without an etag (the file is read on every sync), and keeps an unknown size apart from 0", () => {
    expect(fileVersion({ etag: null, size: 5 })).toBeNull();
    expect(fileVersion({ etag: '"a"', size: null })).not.toBe(fileVersion({ etag: '"a"', size: 0 }));
  });
});
