/**
 * The WebDAV client (lib/nextcloud/webdav-client.ts, search-files.ts)
 * against the sandbox's WebDAV — webdav-server behind the user_oidc-style
 * front — over real HTTP: folders and files, Nextcloud properties, etags
 * and conditional writes, move/copy with Overwrite, SEARCH, isolation of
 * users, traversal attempts, truncated reads, and retries.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseMultistatus } from "@/lib/nextcloud/parse-multistatus";
import { searchFiles } from "@/lib/nextcloud/search-files";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";
import { createDirectory, deleteItem, listDirectory, readFile, statItem, transferItem, writeFile } from "@/lib/nextcloud/webdav-client";
import { connectionFor } from "../helpers/nextcloud-connection";
import { requestFailure, useNextcloudSandbox } from "../helpers/sandbox-fixture";

const RW = ["files.read", "files.write"];
const nc = useNextcloudSandbox();
let alice: NextcloudConnection;
let bob: NextcloudConnection;

beforeAll(async () => {
  alice = await nc.connect("alice", RW);
  bob = await nc.connect("bob", RW);
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function raw(connection: NextcloudConnection, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const response = await fetch(`${nc.sandbox.url}${path}`, { method, headers: { authorization: `Bearer ${connection.token.accessToken}`, ...headers }, body });
  return { status: response.status, body: await response.text() };
}

describe("WebDAV client against the sandbox", () => {
  it("creates folders, writes, lists with Nextcloud's properties and reads back", async () => {
    await createDirectory(alice, "/Projects");
    await createDirectory(alice, "Projects/Q3 plans");
    const written = await writeFile(alice, "/Projects/Q3 plans/budget #1.md", "# Budget\n", { contentType: "text/markdown" });
    expect(written).toMatchObject({ path: "/Projects/Q3 plans/budget #1.md", created: true });
    expect(written.etag).toMatch(/^"[0-9a-f]+"$/);

    const { directory, entries } = await listDirectory(alice, "/Projects/Q3 plans/");
    expect(directory).toMatchObject({ type: "directory", name: "Q3 plans", size: 9 });
    expect(entries).toHaveLength(1);
    const [file] = entries;
    expect(file).toMatchObject({ name: "budget #1.md", segments: ["Projects", "Q3 plans", "budget #1.md"], type: "file", size: 9, etag: written.etag, favorite: false, permissions: "RGDNVW" });
    expect(file!.contentType).toMatch(/markdown/);
    expect(file!.fileId).toMatch(/^\d+$/);
    expect(Date.parse(file!.lastModified!)).toBeGreaterThan(Date.now() - 60_000);

    const read = await readFile(alice, "Projects/Q3%20plans/budget%20%231.md", 1024);
    expect(text(read.bytes)).toBe("# Budget\n");
    expect(read).toMatchObject({ truncated: false, size: 9, etag: written.etag });
  });

  it("keeps a file's etag within the same second (Nextcloud is second-precise), refuses a stale If-Match and If-None-Match on an existing file", async () => {
    const first = await writeFile(alice, "/etag.txt", "v1");
    // Wait for the next second: only then does Nextcloud give the file a new etag.
    const second0 = Math.floor(Date.now() / 1000);
    await vi.waitUntil(() => Math.floor(Date.now() / 1000) > second0, { timeout: 2_000, interval: 20 });
    const second = await writeFile(alice, "/etag.txt", "v2", { etag: first.etag! });
    expect(second.created).toBe(false);
    expect(second.etag).not.toBe(first.etag);
    const stale = await requestFailure(writeFile(alice, "/etag.txt", "v3", { etag: first.etag! }));
    expect(stale).toMatchObject({ failure: "conflict", status: 412 });
    const exists = await requestFailure(writeFile(alice, "/etag.txt", "v4", { createOnly: true }));
    expect(exists.message).toBe("/etag.txt already exists; nothing was written. Pass its etag to overwrite it.");
    expect(text((await readFile(alice, "/etag.txt", 100)).bytes)).toBe("v2");
    const missingParent = await requestFailure(writeFile(alice, "/nowhere/x.txt", "x"));
    expect(missingParent).toMatchObject({ failure: "not_found", status: 404 });
    expect(missingParent.message).toMatch(/does not exist; create it first/);
    const ontoFolder = await requestFailure(writeFile(alice, "/Projects", "x"));
    expect(ontoFolder).toMatchObject({ failure: "conflict", status: 409 });
    expect(ontoFolder.message).toMatch(/is a folder/);
    expect((await requestFailure(createDirectory(alice, "/Projects"))).message).toBe("/Projects already exists; nothing was created.");
  });

  it("reads a folder as an error, not as an empty file; deletes a folder without a file precondition", async () => {
    await createDirectory(alice, "/Folder-to-read");
    expect(await requestFailure(readFile(alice, "/Folder-to-read", 100))).toMatchObject({ failure: "invalid" });
    const refused = await requestFailure(deleteItem(alice, "/Folder-to-read", { directory: true, etag: "abc" }));
    expect(refused.failure).toBe("invalid");
    await deleteItem(alice, "/Folder-to-read", { directory: true });
    expect((await requestFailure(statItem(alice, "/Folder-to-read"))).failure).toBe("not_found");
  });

  it("moves (keeping the file id) and copies (new file id), with Overwrite handling", async () => {
    await createDirectory(alice, "/mv");
    await writeFile(alice, "/mv/a.txt", "A");
    await writeFile(alice, "/mv/b.txt", "B");
    const before = await statItem(alice, "/mv/a.txt");

    const blocked = await requestFailure(transferItem(alice, "MOVE", "/mv/a.txt", "/mv/b.txt"));
    expect(blocked.message).toBe("/mv/b.txt already exists; nothing was changed. Set overwrite to replace it.");
    expect(text((await readFile(alice, "/mv/b.txt", 10)).bytes)).toBe("B");

    expect(await transferItem(alice, "MOVE", "/mv/a.txt", "/mv/c.txt")).toEqual({ from: "/mv/a.txt", to: "/mv/c.txt", overwritten: false });
    const moved = await statItem(alice, "/mv/c.txt");
    expect(moved.fileId).toBe(before.fileId);
    expect((await requestFailure(statItem(alice, "/mv/a.txt"))).failure).toBe("not_found");

    expect(await transferItem(alice, "COPY", "/mv/c.txt", "/mv/b.txt", { overwrite: true })).toMatchObject({ overwritten: true });
    const copy = await statItem(alice, "/mv/b.txt");
    expect(copy.fileId).not.toBe(moved.fileId);
    expect(text((await readFile(alice, "/mv/b.txt", 10)).bytes)).toBe("A");

    expect((await requestFailure(transferItem(alice, "MOVE", "/mv", "/mv/inner"))).message).toMatch(/into itself/);
    await deleteItem(alice, "/mv");
    expect((await requestFailure(listDirectory(alice, "/mv"))).failure).toBe("not_found");
  });

  it("searches by name with SEARCH (case-insensitive, wildcards escaped, limited, scoped)", async () => {
    await createDirectory(alice, "/search");
    await createDirectory(alice, "/search/deep");
    for (const name of ["Report-2024.pdf", "report_final.txt", "100%.txt", "notes.md"]) await writeFile(alice, `/search/${name}`, name);
    await writeFile(alice, "/search/deep/old report.txt", "x");
    const found = await searchFiles(alice, { query: "REPORT", path: "/search" });
    expect(found.entries.map((e) => e.name).sort()).toEqual(["Report-2024.pdf", "old report.txt", "report_final.txt"]);
    expect((await searchFiles(alice, { query: "100%", path: "/search" })).entries.map((e) => e.name)).toEqual(["100%.txt"]);
    expect((await searchFiles(alice, { query: "_", path: "/search" })).entries.map((e) => e.name)).toEqual(["report_final.txt"]);
    expect((await searchFiles(alice, { query: "report", path: "/search", limit: 1 })).entries).toHaveLength(1);
    expect((await searchFiles(bob, { query: "report" })).entries).toHaveLength(0);
  });

  it("keeps Bob out of Alice's files, whatever the path or Destination", async () => {
    await writeFile(alice, "/secret.txt", "alice only");
    // Bob's own client only ever addresses Bob's tree.
    expect((await requestFailure(readFile(bob, "/secret.txt", 100))).failure).toBe("not_found");
    // Raw requests at Alice's tree with Bob's token.
    expect((await raw(bob, "GET", "/remote.php/dav/files/alice/secret.txt")).status).toBe(404);
    // Alice's root answers Bob with an empty collection stub, as Nextcloud does: nothing of hers is listed.
    const stub = await raw(bob, "PROPFIND", "/remote.php/dav/files/alice/", { depth: "1" });
    expect(stub.status).toBe(207);
    expect(stub.body).not.toContain("secret.txt");
    expect(parseMultistatus(stub.body, "alice")).toHaveLength(1);
    expect((await raw(bob, "PUT", "/remote.php/dav/files/alice/secret.txt", {}, "bob was here")).status).toBe(404);
    expect((await raw(bob, "GET", "/remote.php/dav/files/bob/../alice/secret.txt")).status).toBe(404);
    expect((await raw(bob, "GET", "/remote.php/dav/files/bob/%2e%2e/alice/secret.txt")).status).toBe(404);
    expect((await raw(bob, "GET", "/remote.php/dav/files/bob/..%2f..%2falice%2fsecret.txt")).status).toBe(400);
    expect((await raw(bob, "GET", "/remote.php/dav/files/bob/%252e%252e/alice/secret.txt")).status).toBe(404);
    // Moving into, or copying out of, another user's tree.
    await writeFile(bob, "/mine.txt", "bob");
    const cross = await raw(bob, "COPY", "/remote.php/dav/files/bob/mine.txt", { destination: `${nc.sandbox.url}/remote.php/dav/files/alice/stolen.txt` });
    expect(cross.status).toBe(403);
    expect(cross.body).toContain("Sabre\\DAV\\Exception\\Forbidden");
    const offHost = await raw(bob, "MOVE", "/remote.php/dav/files/bob/mine.txt", { destination: "http://evil.example/remote.php/dav/files/bob/x.txt" });
    expect(offHost.status).toBe(403);
    // A SEARCH scoped at Alice's files is refused.
    const search = await raw(bob, "SEARCH", "/remote.php/dav/", { "content-type": "text/xml" }, `<d:searchrequest xmlns:d="DAV:"><d:basicsearch><d:select><d:prop><d:displayname/></d:prop></d:select><d:from><d:scope><d:href>/files/alice</d:href><d:depth>infinity</d:depth></d:scope></d:from><d:where><d:like><d:prop><d:displayname/></d:prop><d:literal>%</d:literal></d:like></d:where></d:basicsearch></d:searchrequest>`);
    expect(search.status).toBe(403);
    expect(text((await readFile(alice, "/secret.txt", 100)).bytes)).toBe("alice only");
    expect((await listDirectory(alice, "/")).entries.map((e) => e.name)).not.toContain("stolen.txt");
  });

  it("refuses traversal and URL inputs before sending anything", async () => {
    for (const path of ["../bob/x", "/a/../../etc/passwd", "%2e%2e/x", "a/%2E%2E/b", "https://evil.example/x", "//evil.example/x", "a\\..\\b", "a/%2fb", "a/%ff%fe"]) {
      const error = await requestFailure(readFile(alice, path, 10));
      expect(error.failure, path).toBe("invalid");
    }
  });

  it("truncates a large read at the limit and says how large the file is", async () => {
    const big = "0123456789".repeat(20_000);
    await writeFile(alice, "/big.txt", big);
    const read = await readFile(alice, "/big.txt", 1_000);
    expect(read.truncated).toBe(true);
    expect(read.bytes.byteLength).toBe(1_000);
    expect(read.size).toBe(200_000);
  });

  it("enforces files scopes and the quota", async () => {
    const reader = await nc.connect("carol", ["files.read"]);
    expect(await listDirectory(reader, "/")).toMatchObject({ entries: [] });
    expect((await requestFailure(createDirectory(reader, "/x"))).failure).toBe("forbidden");
    const notesOnly = await nc.connect("carol", ["notes.read"]);
    expect((await requestFailure(listDirectory(notesOnly, "/"))).failure).toBe("forbidden");
    const user = nc.sandbox.users.get("alice")!;
    const quota = user.quotaBytes;
    user.quotaBytes = 10;
    try {
      const full = await requestFailure(writeFile(alice, "/too-much.txt", "more than ten bytes"));
      expect(full).toMatchObject({ failure: "too_large", status: 507 });
    } finally {
      user.quotaBytes = quota;
    }
  });

  it("retries PROPFIND and GET after 503/502 but not MKCOL, MOVE or COPY", async () => {
    await writeFile(alice, "/retry.txt", "ok");
    nc.sandbox.faults.failNext({ pathPrefix: "/remote.php/dav/files/alice/", method: "PROPFIND", count: 1, status: 503 });
    nc.sandbox.faults.failNext({ pathPrefix: "/remote.php/dav/files/alice/", method: "GET", count: 2, status: 502 });
    expect((await listDirectory(alice, "/")).entries.length).toBeGreaterThan(0);
    expect(text((await readFile(alice, "/retry.txt", 10)).bytes)).toBe("ok");
    expect(nc.sandbox.faults.injected.map((f) => `${f.method} ${f.status}`)).toEqual(["PROPFIND 503", "GET 502", "GET 502"]);

    for (const [method, run] of [
      ["MKCOL", () => createDirectory(alice, "/never")],
      ["MOVE", () => transferItem(alice, "MOVE", "/retry.txt", "/moved.txt")],
      ["COPY", () => transferItem(alice, "COPY", "/retry.txt", "/copied.txt")],
    ] as const) {
      nc.sandbox.faults.clear();
      nc.sandbox.faults.failNext({ pathPrefix: "/remote.php/dav/files/alice/", method, count: 2, status: 503 });
      expect((await requestFailure(run())).failure).toBe("unavailable");
      expect(nc.sandbox.faults.injected, method).toHaveLength(1);
    }
    expect((await listDirectory(alice, "/")).entries.map((e) => e.name)).toEqual(expect.not.arrayContaining(["never", "moved.txt", "copied.txt"]));
  });

  it("reports a Nextcloud that is down as retryable", async () => {
    const down = await connectionFor(nc.issuer, "http://127.0.0.1:9", "alice", RW);
    const error = await requestFailure(listDirectory(down, "/"));
    expect(error).toMatchObject({ failure: "unavailable", retryable: true });
  });
});
