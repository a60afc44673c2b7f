/**
 * The Notes API v1 client (lib/nextcloud/notes-client.ts) against the
 * sandbox's Notes app over real HTTP: CRUD, etags and If-Match conflicts,
 * list options, per-user isolation, scopes, retries on 503 for reads only,
 * and a Nextcloud that is down.
 */
import { describe, expect, it } from "vitest";
import { sessionNextcloudToken } from "@/lib/tokens/token-types";
import { createNote, deleteNote, getNote, listNotes, NoteConflictError, updateNote } from "@/lib/nextcloud/notes-client";
import { connectionFor } from "../helpers/nextcloud-connection";
import { requestFailure, useNextcloudSandbox } from "../helpers/sandbox-fixture";

const RW = ["notes.read", "notes.write"];
const nc = useNextcloudSandbox();

describe("notes client against the sandbox Notes app", () => {
  it("creates, reads, updates with the current etag, refuses a stale etag, and deletes", async () => {
    const alice = await nc.connect("alice-crud", RW);
    const created = await createNote(alice, { content: "# Groceries\nmilk", category: "/home/" });
    expect(created).toMatchObject({ title: "Groceries", category: "home", favorite: false, readonly: false, content: "# Groceries\nmilk" });
    expect(created.id).toBeGreaterThan(0);
    expect(typeof created.modified).toBe("number");

    const read = await getNote(alice, created.id);
    expect(read).toEqual(created);

    const updated = await updateNote(alice, created.id, { content: "# Groceries\nmilk\neggs", favorite: true }, { etag: read.etag });
    expect(updated.etag).not.toBe(read.etag);
    expect(updated.favorite).toBe(true);

    const stale = await requestFailure(updateNote(alice, created.id, { content: "overwrite!" }, { etag: read.etag }));
    expect(stale.failure).toBe("conflict");
    expect(stale.status).toBe(412);
    expect(stale.message).toMatch(/changed .* since you read it/);
    // Nextcloud sends the current note with the 412: the error carries it, and names its etag.
    expect(stale).toBeInstanceOf(NoteConflictError);
    expect((stale as NoteConflictError).current).toMatchObject({ id: created.id, etag: updated.etag, content: "# Groceries\nmilk\neggs" });
    expect(stale.message).toContain(updated.etag);
    expect((await getNote(alice, created.id)).content).toBe("# Groceries\nmilk\neggs");

    // An update without an etag always applies, and the etag changes every time.
    const again = await updateNote(alice, created.id, { favorite: true });
    expect(again.etag).not.toBe(updated.etag);

    await deleteNote(alice, created.id);
    const gone = await requestFailure(getNote(alice, created.id));
    expect(gone.failure).toBe("not_found");
    expect(gone.message).toBe(`Note ${created.id} does not exist in Nextcloud (HTTP 404).`);
  });

  it("derives unique titles and lists with category, exclude, pruneBefore and chunks", async () => {
    const bob = await nc.connect("bob-list", RW);
    const a = await createNote(bob, { title: "Plan", content: "one", category: "work" });
    const b = await createNote(bob, { title: "Plan", content: "two", category: "work" });
    const c = await createNote(bob, { content: "", category: "" });
    expect(b.title).toBe("Plan (2)");
    expect(c.title).toBe("New note");

    const work = await listNotes(bob, { category: "work" });
    expect(work.notes.map((n) => n.id)).toEqual([a.id, b.id]);

    const slim = await listNotes(bob, { exclude: ["content", "etag"] });
    expect(slim.notes).toHaveLength(3);
    for (const note of slim.notes) {
      expect(note).not.toHaveProperty("content");
      expect(note).not.toHaveProperty("etag");
      expect(note).toHaveProperty("title");
    }

    const pruned = await listNotes(bob, { pruneBefore: Math.floor(Date.now() / 1000) + 3600 });
    expect(pruned.notes.every((n) => Object.keys(n).join() === "id")).toBe(true);

    const first = await listNotes(bob, { chunkSize: 2 });
    expect(first.notes.map((n) => n.id)).toEqual([a.id, b.id]);
    expect(first.chunkCursor).toBeTruthy();
    const second = await listNotes(bob, { chunkSize: 2, chunkCursor: first.chunkCursor! });
    expect(second.notes.map((n) => n.id)).toEqual([c.id]);
    expect(second.chunkCursor).toBeNull();
  });

  it("keeps users apart: Bob can neither see, change nor delete Alice's notes", async () => {
    const alice = await nc.connect("alice-iso", RW);
    const bob = await nc.connect("bob-iso", RW);
    const secret = await createNote(alice, { title: "Diary", content: "private" });
    expect((await listNotes(bob)).notes.map((n) => n.id)).not.toContain(secret.id);
    expect((await requestFailure(getNote(bob, secret.id))).failure).toBe("not_found");
    expect((await requestFailure(updateNote(bob, secret.id, { content: "hacked" }))).failure).toBe("not_found");
    expect((await requestFailure(deleteNote(bob, secret.id))).failure).toBe("not_found");
    expect((await getNote(alice, secret.id)).content).toBe("private");
  });

  it("needs notes.write to write and notes.read to read (refused here before sending: lib/nextcloud/api-scopes.ts)", async () => {
    const reader = await nc.connect("carol-scopes", ["notes.read"]);
    const denied = await requestFailure(createNote(reader, { content: "x" }));
    expect(denied.failure).toBe("forbidden");
    // The sender's scope table refuses first; the sandbox's own 403 is pinned by the sandbox contract tests.
    expect(denied.reason).toBe("scope_not_granted");
    expect(denied.status).toBeUndefined();
    const filesOnly = await nc.connect("carol-scopes", ["files.read"]);
    expect((await requestFailure(listNotes(filesOnly))).failure).toBe("forbidden");
  });

  it("says an expired token is to be retried, never 'provision again'", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await nc.issuer.mint({ sub: "dave-expired", scope: RW.join(" "), iat: now - 600, exp: now - 300 });
    const expired = { token: sessionNextcloudToken({ accessToken: token, audience: "nextcloud", scopes: RW, expiresAt: new Date() }), baseUrl: nc.sandbox.url };
    const error = await requestFailure(listNotes(expired));
    expect(error).toMatchObject({ failure: "unauthorized", status: 401, reason: "token_expired" });
    expect(error.message).not.toMatch(/provision/i);
    expect(error.message).not.toContain(token);
  });

  it("says a valid token Nextcloud does not trust (unknown signing key) is for the admin, not 'provision again'", async () => {
    const unpublished = await nc.issuer.addKey({ publish: false });
    const token = await nc.issuer.mint({ sub: "dave-newkey", scope: RW.join(" ") }, { key: unpublished });
    const connection = { token: sessionNextcloudToken({ accessToken: token, audience: "nextcloud", scopes: RW, expiresAt: new Date(Date.now() + 300_000) }), baseUrl: nc.sandbox.url };
    const error = await requestFailure(listNotes(connection));
    expect(error).toMatchObject({ failure: "unauthorized", status: 401, reason: "token_not_trusted" });
    expect(error.message).toMatch(/admin/);
    expect(error.message).toMatch(/will not help/);
  });

  it("retries a read after 503 (honouring Retry-After) but never resends a create", async () => {
    const eve = await nc.connect("eve-faults", RW);
    const note = await createNote(eve, { content: "retry me" });

    nc.sandbox.faults.failNext({ pathPrefix: "/index.php/apps/notes", method: "GET", count: 2, status: 503, retryAfter: 1 });
    const started = Date.now();
    expect((await getNote(eve, note.id)).content).toBe("retry me");
    expect(nc.sandbox.faults.injected.map((f) => f.status)).toEqual([503, 503]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);

    nc.sandbox.faults.clear();
    nc.sandbox.faults.failNext({ pathPrefix: "/index.php/apps/notes", method: "POST", count: 2, status: 503 });
    const error = await requestFailure(createNote(eve, { content: "only once" }));
    expect(error.failure).toBe("unavailable");
    expect(error.retryable).toBe(true);
    expect(nc.sandbox.faults.injected).toHaveLength(1);
    expect(nc.sandbox.faults.pending()).toBe(1);
    expect((await listNotes(eve)).notes.filter((n) => n.content === "only once")).toHaveLength(0);
  });

  it("gives up at once when Retry-After asks for longer than the bound, and after the attempt limit", async () => {
    const eve = await nc.connect("eve-bound", RW);
    nc.sandbox.faults.failNext({ pathPrefix: "/index.php/apps/notes", count: 1, status: 429, retryAfter: 120 });
    const patient = await requestFailure(listNotes(eve));
    expect(patient.message).toMatch(/wait 120 s/);
    expect(nc.sandbox.faults.injected).toHaveLength(1);

    nc.sandbox.faults.clear();
    nc.sandbox.faults.failNext({ pathPrefix: "/index.php/apps/notes", count: 5, status: 502 });
    expect((await requestFailure(listNotes(eve))).failure).toBe("unavailable");
    expect(nc.sandbox.faults.injected).toHaveLength(3);
  });

  it("says Nextcloud cannot be reached (retryable) when nothing listens", async () => {
    const down = await connectionFor(nc.issuer, "http://127.0.0.1:9", "frank-down", RW);
    const error = await requestFailure(listNotes(down));
    expect(error.failure).toBe("unavailable");
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Nextcloud at http://127.0.0.1:9 cannot be reached right now; try again later.");
  });
});
