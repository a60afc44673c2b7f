/**
 * The search index end to end, against the real built-in IdP (in this
 * process) and the Nextcloud sandbox: the sync jobs obtain background tokens
 * from the stored grant (the only users of it), index notes and files
 * incrementally, and nc_search — called through the MCP server with a real
 * SDK client — returns ranked hits that it re-checks in Nextcloud first.
 *
 * Covered: first sync; re-sync reads only what changed (notes with
 * pruneBefore, files by etag; counted at the sandbox); add/change/delete of
 * notes and files; one user's rows never reach another; verify on read drops
 * a deleted file's hit and queues a re-sync; the runner's leases (crash
 * mid-job, two runners, the instance lease); the cron route's secret; the
 * search switch and revocation deleting the index. Calendar events and
 * contacts (the sandbox's Radicale): add/change/delete, unchanged
 * collections skipped by getctag, verify on read dropping a deleted event's
 * and contact's hit.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db";
import { startJobScheduler } from "@/lib/jobs/job-scheduler";
import { acquireLease } from "@/lib/jobs/runner-lease";
import { runCronTick } from "@/lib/jobs/run-cron-tick";
import { runDueSyncJobs } from "@/lib/jobs/run-sync-jobs";
import { isSearchEnabled, listSyncJobs, setSearchEnabled } from "@/lib/search/sync-job-state";
import { recordHybridGrant } from "@/lib/idp/record-hybrid-grant";
import { revokeNextcloudGrant } from "@/lib/provisioning/revoke-nextcloud-grant";
import { searchIndex } from "@/lib/search/index-store";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { testDbKind } from "../helpers/databases";
import { connectInMemoryMcpClient, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";
import { freePort } from "../helpers/ports";

const kind = testDbKind();
const CRON_SECRET = "cron-secret-for-the-search-index-test-0123456789";
const SCOPES = ["notes.read", "notes.write", "files.read", "files.write"];
const DAV_SCOPES = ["calendar.read", "calendar.write", "contacts.read", "contacts.write"];

interface Person {
  id: string;
  client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<{ isError?: boolean; structuredContent?: Record<string, unknown>; text: string }>;
}

describe(`search index and sync jobs on ${kind}`, () => {
  let idp: InProcessIdp;
  let sandbox: Sandbox;
  let alice: Person;
  let bob: Person;

  async function person(username: string, mcpScopes = SCOPES): Promise<Person> {
    const id = (await createAccount({ username, password: `${username}-password-123`, displayName: username })).id;
    const saved = await recordHybridGrant({ accountId: id, clientId: "test", scopes: mcpScopes });
    expect(saved?.grant.active).toBe(true);
    return connect(id, mcpScopes);
  }

  async function connect(id: string, mcpScopes: string[]): Promise<Person> {
    const client = await connectInMemoryMcpClient(idp, { accountId: id, scopes: mcpScopes, name: "search-index-test" });
    return {
      id,
      client,
      async call(name, args = {}) {
        const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: Record<string, unknown>; content: { type: string; text?: string }[] };
        return { isError: result.isError, structuredContent: result.structuredContent, text: result.content.map((c) => c.text ?? "").join("\n") };
      },
    };
  }

  const must = async (p: Person, name: string, args: Record<string, unknown>) => {
    const result = await p.call(name, args);
    expect(result.isError, result.text).toBeFalsy();
    return result.structuredContent!;
  };
  const sync = (p: Person, holder = "test-runner") => runDueSyncJobs({ holder, userId: p.id });
  const makeDue = async (userId: string) => (await getDatabase()).prisma.syncJob.updateMany({ where: { userId }, data: { nextRunAt: new Date(Date.now() - 1000) } });
  const search = async (p: Person, query: string, extra: Record<string, unknown> = {}) => {
    const result = await p.call("nc_search", { query, ...extra });
    expect(result.isError, result.text).toBeFalsy();
    return result.structuredContent as { hits: { source: string; id: string; title: string; snippet: string }[]; dropped: number; sources: string[] };
  };
  const ids = (hits: { source: string; id: string }[]) => hits.map((h) => `${h.source}:${h.id}`).sort();
  const served = (method: string, pathPart: string) => sandbox.seen.list().filter((e) => e.method === method && e.path.includes(pathPart)).length;

  beforeAll(async () => {
    const sandboxPort = await freePort();
    idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false", SANDBOX_PORT: String(sandboxPort), CRON_SECRET, BACKGROUND_JOBS: "cron" });
    sandbox = await startSandbox({ port: sandboxPort, issuer: getConfig().ISSUER, audience: "nextcloud", recordTokens: true });
    alice = await person("alice");
    bob = await person("bob");
  });
  afterAll(async () => {
    await alice?.client.close();
    await bob?.client.close();
    await sandbox?.close();
    await idp?.close();
  });

  let tripNote: number;
  let budgetNote: number;

  it("provisioning schedules a first sync; it indexes notes and files, and nc_search finds both", async () => {
    tripNote = ((await must(alice, "nc_notes_create", { title: "Lisbon trip", content: "Flights booked, hotel near Alfama.", category: "Travel" })) as { id: number }).id;
    budgetNote = ((await must(alice, "nc_notes_create", { title: "Budget", content: "Rent and groceries." })) as { id: number }).id;
    await must(alice, "nc_webdav_create_directory", { path: "/Travel" });
    await must(alice, "nc_webdav_write_file", { path: "/Travel/itinerary.md", content: "# Itinerary\nDay 1: arrive in Lisbon, tram 28." });
    await must(alice, "nc_webdav_write_file", { path: "/Travel/packing.txt", content: "sunscreen, adapter" });
    await must(alice, "nc_webdav_write_file", { path: "/Travel/page.html", content: "<html><script>var lisbon = 1;</script><body><p>Museum &amp; castle</p></body></html>" });

    // The grant was just saved: its jobs exist and are due (lib/provisioning/save-provisioned-grant.ts).
    const jobs = await listSyncJobs(alice.id);
    expect(jobs.map((j) => j.source).sort()).toEqual(["files", "notes"]);
    expect(jobs.every((j) => j.nextRunAt.getTime() <= Date.now())).toBe(true);

    const ran = await sync(alice);
    expect(ran).toEqual({ ran: 2, failed: 0 });
    const found = await search(alice, "lisbon");
    expect(ids(found.hits)).toEqual([`notes:${tripNote}`, "files:/Travel/itinerary.md"].sort());
    expect(found.hits.find((h) => h.source === "files")!.snippet).toMatch(/«Lisbon»/);
    expect(found.hits[0]!.source).toBe("notes"); // a title match (weight A) ranks first
    // Files: names and paths are indexed too; html is indexed as its visible text.
    expect(ids((await search(alice, "packing")).hits)).toEqual(["files:/Travel/packing.txt"]);
    expect(ids((await search(alice, "castle")).hits)).toEqual(["files:/Travel/page.html"]);
    expect((await search(alice, "var")).hits).toEqual([]);
    // Every word first, any word when nothing has them all; prefixes count.
    expect(ids((await search(alice, "find my notes about the trip")).hits)).toContain(`notes:${tripNote}`);
    expect(ids((await search(alice, "flight")).hits)).toEqual([`notes:${tripNote}`]);
    // One source only.
    expect(ids((await search(alice, "lisbon", { sources: ["files"] })).hits)).toEqual(["files:/Travel/itinerary.md"]);

    const status = await must(alice, "nc_search_status", {});
    expect(status).toMatchObject({ enabled: true });
    const perSource = status.sources as { source: string; items: number; last_sync: string | null }[];
    expect(perSource.find((s) => s.source === "notes")).toMatchObject({ items: 2 });
    expect(perSource.every((s) => s.last_sync !== null)).toBe(true);
  });

  it("a re-sync with nothing changed reads no note and no file again", async () => {
    await makeDue(alice.id);
    sandbox.seen.clear();
    expect(await sync(alice)).toEqual({ ran: 2, failed: 0 });
    expect(served("GET", "/apps/notes/api/v1/notes/")).toBe(0); // no single note fetched
    expect(served("GET", "/remote.php/dav/files/")).toBe(0); // no file content read
    expect(served("PROPFIND", "/remote.php/dav/files/alice/Travel")).toBe(0); // the unchanged folder was skipped whole
    expect(served("GET", "/apps/notes/api/v1/notes")).toBeGreaterThan(0); // the (pruned) list
  });

  it("adds, changes and deletions in Nextcloud reach the index on the next sync, reading only what changed", async () => {
    const before = await must(alice, "nc_notes_get", { id: tripNote });
    await must(alice, "nc_notes_update", { id: tripNote, content: "Flights booked; changed to Porto.", etag: before.etag });
    await must(alice, "nc_notes_delete", { id: budgetNote });
    const fresh = ((await must(alice, "nc_notes_create", { title: "Porto wine", content: "Cellars in Gaia." })) as { id: number }).id;
    await must(alice, "nc_webdav_write_file", { path: "/Travel/itinerary.md", content: "# Itinerary\nDay 1: arrive in Porto." });
    await must(alice, "nc_webdav_delete", { path: "/Travel/packing.txt" });
    await must(alice, "nc_webdav_create_directory", { path: "/Work" });
    await must(alice, "nc_webdav_write_file", { path: "/Work/porto-report.csv", content: "city,visits\nporto,3" });

    await makeDue(alice.id);
    sandbox.seen.clear();
    expect(await sync(alice)).toEqual({ ran: 2, failed: 0 });
    // Read again: the two changed text files only (page.html was unchanged).
    expect(served("GET", "/remote.php/dav/files/")).toBe(2);

    expect(ids((await search(alice, "porto")).hits)).toEqual([`notes:${tripNote}`, `notes:${fresh}`, "files:/Travel/itinerary.md", "files:/Work/porto-report.csv"].sort());
    expect(ids((await search(alice, "lisbon")).hits)).toEqual([`notes:${tripNote}`]); // its title still says so; the file no longer does
    expect((await search(alice, "groceries")).hits).toEqual([]);
    expect((await search(alice, "sunscreen")).hits).toEqual([]);

    // A folder deleted with its contents leaves nothing behind.
    await must(alice, "nc_webdav_delete", { path: "/Work" });
    await makeDue(alice.id);
    await sync(alice);
    expect(ids((await search(alice, "porto")).hits)).not.toContain("files:/Work/porto-report.csv");
    const prisma = (await getDatabase()).prisma;
    expect(await prisma.searchDocument.count({ where: { userId: alice.id, itemId: { startsWith: "/Work" } } })).toBe(0);
  });

  it("one person's index is never returned to another", async () => {
    await must(bob, "nc_notes_create", { title: "Bob's Porto plan", content: "Bob goes to Porto too." });
    expect(await sync(bob)).toMatchObject({ failed: 0 });
    const bobs = await search(bob, "porto");
    expect(bobs.hits.map((h) => h.title)).toEqual(["Bob's Porto plan"]);
    const alices = await search(alice, "porto");
    expect(alices.hits.map((h) => h.title)).not.toContain("Bob's Porto plan");
    // At the store itself: the user id is part of every query.
    const direct = await searchIndex(bob.id, ["notes", "files"], "porto", 50);
    expect(direct.map((h) => h.title)).toEqual(["Bob's Porto plan"]);
    expect(await searchIndex("", ["notes", "files"], "porto", 50)).toEqual([]);
  });

  it("a token without files.read searches notes only, and nc_search is not listed without any read scope", async () => {
    const notesOnly = await connect(alice.id, ["notes.read"]);
    const found = (await notesOnly.call("nc_search", { query: "porto" })).structuredContent as { sources: string[]; hits: { source: string }[] };
    expect(found.sources).toEqual(["notes"]);
    expect(found.hits.length).toBeGreaterThan(0);
    expect(found.hits.every((h) => h.source === "notes")).toBe(true);
    await notesOnly.client.close();

    const writeOnly = await connect(alice.id, ["notes.write"]);
    const { tools } = await writeOnly.client.listTools();
    expect(tools.map((t) => t.name)).not.toContain("nc_search");
    await writeOnly.client.close();
  });

  it("verify on read: a file deleted since the last sync is dropped from the hits and its source queued for re-sync", async () => {
    await must(alice, "nc_webdav_write_file", { path: "/Travel/secret-plan.md", content: "zanzibar surprise" });
    await makeDue(alice.id);
    await sync(alice);
    expect(ids((await search(alice, "zanzibar")).hits)).toEqual(["files:/Travel/secret-plan.md"]);
    const prisma = (await getDatabase()).prisma;
    await prisma.syncJob.updateMany({ where: { userId: alice.id }, data: { nextRunAt: new Date(Date.now() + 3_600_000) } });

    await must(alice, "nc_webdav_delete", { path: "/Travel/secret-plan.md" });
    const after = await search(alice, "zanzibar");
    expect(after.hits).toEqual([]);
    expect(after.dropped).toBe(1);
    const files = (await listSyncJobs(alice.id)).find((j) => j.source === "files")!;
    expect(files.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
    await sync(alice);
    expect(await prisma.searchDocument.count({ where: { userId: alice.id, itemId: "/Travel/secret-plan.md" } })).toBe(0);
  });

  describe("calendar events and contacts", () => {
    let dana: Person;
    let event: { calendar: string; id: string; etag: string };
    let contact: { address_book: string; id: string; etag: string };
    const syncDana = async () => expect(await sync(dana)).toMatchObject({ failed: 0 });
    /** Dana's calendar and contact rows (the sandbox seeds a few of its own too). */
    const davRows = async () => {
      const prisma = (await getDatabase()).prisma;
      const rows = await prisma.searchDocument.findMany({ where: { userId: dana.id, source: { in: ["calendar", "contacts"] } }, select: { source: true, itemId: true } });
      return rows.map((r) => `${r.source}:${r.itemId}`).sort();
    };

    it("are indexed (event title, start, location, description; contact name, emails, phones, organisation) and found by nc_search", async () => {
      dana = await person("dana", [...SCOPES, ...DAV_SCOPES]);
      event = (await must(dana, "nc_calendar_create_event", { title: "Harbour walk", start: "2027-05-03T09:00:00Z", location: "Ribeira quay", description: "Bring the azulejo guide." })) as typeof event;
      contact = (await must(dana, "nc_contacts_create", { name: "Inês Carvalho", emails: [{ value: "ines@azulejo.example" }], phones: [{ value: "+351 22 555 0100" }], organization: "Tile Museum" })) as typeof contact;
      expect((await listSyncJobs(dana.id)).map((j) => j.source).sort()).toEqual(["calendar", "contacts", "files", "notes"]);
      expect(await sync(dana)).toEqual({ ran: 4, failed: 0 });

      expect(ids((await search(dana, "harbour")).hits)).toEqual([`calendar:${event.calendar}/${event.id}`]);
      expect(ids((await search(dana, "ribeira")).hits)).toEqual([`calendar:${event.calendar}/${event.id}`]); // location
      expect(ids((await search(dana, "2027-05-03")).hits)).toContain(`calendar:${event.calendar}/${event.id}`); // start
      expect(ids((await search(dana, "azulejo")).hits)).toEqual([`calendar:${event.calendar}/${event.id}`, `contacts:${contact.address_book}/${contact.id}`].sort());
      expect(ids((await search(dana, "tile museum")).hits)).toEqual([`contacts:${contact.address_book}/${contact.id}`]); // organisation
      expect(ids((await search(dana, "0100")).hits)).toEqual([`contacts:${contact.address_book}/${contact.id}`]); // phone
      const found = await search(dana, "carvalho");
      expect(found.hits[0]).toMatchObject({ source: "contacts", title: "Inês Carvalho" });
      // Last change: the contact's REV and the event's LAST-MODIFIED, both written just now by the tools.
      const recent = (hit: unknown) => {
        const at = Date.parse(String((hit as { last_modified: string | null }).last_modified));
        return at > Date.now() - 10 * 60_000 && at <= Date.now() + 5_000;
      };
      expect(recent(found.hits[0]), JSON.stringify(found.hits[0])).toBe(true);
      expect(recent((await search(dana, "harbour")).hits[0])).toBe(true);
      expect((await dana.call("nc_search", { query: "carvalho" })).text).toMatch(/\(changed 20\d\d-/);
      // The hit's id opens the item with the matching tool.
      expect(await must(dana, "nc_calendar_get_event", { calendar: event.calendar, id: event.id })).toMatchObject({ title: "Harbour walk" });
      // Only the sources the caller's token may read: a notes-only token never sees them.
      const notesOnly = await connect(dana.id, ["notes.read"]);
      expect(((await notesOnly.call("nc_search", { query: "azulejo" })).structuredContent as { hits: unknown[] }).hits).toEqual([]);
      await notesOnly.client.close();

      const status = (await must(dana, "nc_search_status", {})).sources as { source: string; items: number }[];
      const rows = await davRows(); // the sandbox's seeded events and contacts plus dana's own
      for (const source of ["calendar", "contacts"]) {
        const indexed = rows.filter((r) => r.startsWith(`${source}:`)).length;
        expect(indexed).toBeGreaterThan(1);
        expect(status.find((s) => s.source === source)).toMatchObject({ items: indexed });
      }
    });

    it("a re-sync with nothing changed reads no calendar or address book again (getctag unchanged)", async () => {
      await makeDue(dana.id);
      sandbox.seen.clear();
      await syncDana();
      expect(served("PROPFIND", "/remote.php/dav/calendars/")).toBeGreaterThan(0); // the calendars and their ctags
      expect(served("REPORT", "/remote.php/dav/calendars/")).toBe(0);
      expect(served("REPORT", "/remote.php/dav/addressbooks/")).toBe(0);
    });

    it("changes and deletions reach the index on the next sync", async () => {
      const second = (await must(dana, "nc_calendar_create_event", { title: "Tram museum", start: "2027-05-04T14:00:00Z" })) as typeof event;
      await must(dana, "nc_calendar_update_event", { calendar: event.calendar, id: event.id, etag: event.etag, title: "Bridge walk", location: "Dom Luís bridge" });
      await must(dana, "nc_contacts_update", { address_book: contact.address_book, id: contact.id, etag: contact.etag, organization: "Port Authority" });
      await makeDue(dana.id);
      await syncDana();
      expect((await search(dana, "harbour")).hits).toEqual([]);
      expect(ids((await search(dana, "bridge")).hits)).toEqual([`calendar:${event.calendar}/${event.id}`]);
      expect(ids((await search(dana, "tram")).hits)).toEqual([`calendar:${second.calendar}/${second.id}`]);
      expect((await search(dana, "tile")).hits).toEqual([]);
      expect(ids((await search(dana, "authority")).hits)).toEqual([`contacts:${contact.address_book}/${contact.id}`]);

      await must(dana, "nc_calendar_delete_event", { calendar: second.calendar, id: second.id });
      await makeDue(dana.id);
      await syncDana();
      expect((await search(dana, "tram")).hits).toEqual([]);
      const rows = await davRows();
      expect(rows).toEqual(expect.arrayContaining([`calendar:${event.calendar}/${event.id}`, `contacts:${contact.address_book}/${contact.id}`]));
      expect(rows).not.toContain(`calendar:${second.calendar}/${second.id}`);
    });

    it("verify on read: a deleted event's and contact's hits are dropped before the next sync and their sources queued", async () => {
      const prisma = (await getDatabase()).prisma;
      await prisma.syncJob.updateMany({ where: { userId: dana.id }, data: { nextRunAt: new Date(Date.now() + 3_600_000) } });
      await must(dana, "nc_calendar_delete_event", { calendar: event.calendar, id: event.id });
      await must(dana, "nc_contacts_delete", { address_book: contact.address_book, id: contact.id });
      const mine = [`calendar:${event.calendar}/${event.id}`, `contacts:${contact.address_book}/${contact.id}`];
      expect(await davRows()).toEqual(expect.arrayContaining(mine)); // the index still has them
      const after = await search(dana, "bridge authority");
      expect(after.hits).toEqual([]);
      expect(after.dropped).toBe(2);
      const due = (await listSyncJobs(dana.id)).filter((j) => j.nextRunAt.getTime() <= Date.now()).map((j) => j.source).sort();
      expect(due).toEqual(["calendar", "contacts"]);
      await syncDana();
      expect((await davRows()).filter((r) => mine.includes(r))).toEqual([]);
      await dana.client.close();
    });
  });

  it("the in-process scheduler runs a newly provisioned person's first sync right away (well within a minute)", async () => {
    const carol = await person("carol"); // provisioning made her jobs due now; no scheduler was listening yet
    await must(carol, "nc_notes_create", { title: "Trip to Kyoto", content: "Temples and tea." });
    const scheduler = startJobScheduler(); // as the start-up hook does: an immediate tick, then every 20 s
    try {
      const started = Date.now();
      await expect.poll(async () => (await search(carol, "trip")).hits.map((h) => h.title), { timeout: 60_000, interval: 250 }).toEqual(["Trip to Kyoto"]);
      expect(Date.now() - started).toBeLessThan(60_000);
      const prisma = (await getDatabase()).prisma;
      expect(await prisma.runnerLease.findUnique({ where: { name: "job-runner" } })).toMatchObject({ holder: scheduler.holder });
    } finally {
      scheduler.stop();
      delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.job-scheduler")];
      await carol.client.close();
    }
  });

  it("a runner that crashed mid-job holds it only until its lease expires; two runners never run one job twice", async () => {
    const prisma = (await getDatabase()).prisma;
    await makeDue(alice.id);
    // A runner claimed alice's notes job and died: the lease is still live.
    await prisma.syncJob.update({ where: { userId_kind: { userId: alice.id, kind: "index.notes" } }, data: { leaseHolder: "crashed", leaseExpiresAt: new Date(Date.now() + 60_000) } });
    expect(await sync(alice, "runner-b")).toEqual({ ran: 1, failed: 0 }); // files only
    await prisma.syncJob.update({ where: { userId_kind: { userId: alice.id, kind: "index.notes" } }, data: { leaseExpiresAt: new Date(Date.now() - 1) } });
    expect(await sync(alice, "runner-b")).toEqual({ ran: 1, failed: 0 }); // taken over
    const notes = await prisma.syncJob.findUnique({ where: { userId_kind: { userId: alice.id, kind: "index.notes" } } });
    expect(notes).toMatchObject({ leaseHolder: null, leaseExpiresAt: null, attempts: 0 });

    // Two runners at once over every due job: each job runs exactly once.
    await makeDue(alice.id);
    await makeDue(bob.id);
    const [a, b] = await Promise.all([runDueSyncJobs({ holder: "runner-1" }), runDueSyncJobs({ holder: "runner-2" })]);
    expect(a.ran + b.ran).toBe(4);
    expect(a.failed + b.failed).toBe(0);
  });

  it("the instance lease has one holder until it expires", async () => {
    const t0 = new Date();
    expect(await acquireLease("test-lease", "instance-1", 1_000, t0)).toBe(true);
    expect(await acquireLease("test-lease", "instance-2", 1_000, t0)).toBe(false);
    expect(await acquireLease("test-lease", "instance-1", 1_000, new Date(t0.getTime() + 500))).toBe(true); // renewed
    expect(await acquireLease("test-lease", "instance-2", 1_000, new Date(t0.getTime() + 1_000))).toBe(false);
    expect(await acquireLease("test-lease", "instance-2", 1_000, new Date(t0.getTime() + 1_600))).toBe(true); // expired: taken over
    const contenders = await Promise.all(["x", "y", "z"].map((h) => acquireLease("contested", h, 10_000)));
    expect(contenders.filter(Boolean)).toHaveLength(1);
  });

  it("a run cut short by its time box keeps what the index holds, deletes nothing and continues at once", async () => {
    const prisma = (await getDatabase()).prisma;
    const before = await prisma.searchDocument.count({ where: { userId: alice.id } });
    await makeDue(alice.id);
    const summary = await runDueSyncJobs({ holder: "runner-t", userId: alice.id, timeBoxMs: 1, budgetMs: 3_000 });
    expect(summary).toMatchObject({ failed: 0 });
    expect(summary.ran).toBeGreaterThan(0);
    expect(await prisma.searchDocument.count({ where: { userId: alice.id } })).toBe(before);
    const job = await prisma.syncJob.findFirst({ where: { userId: alice.id, lastSuccessAt: { not: null } }, orderBy: { lastSuccessAt: "desc" } });
    expect(job!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await sync(alice)).toMatchObject({ failed: 0 }); // and the next run completes
  });

  it("a failing Nextcloud is retried with backoff and shown as the job's error", async () => {
    await makeDue(alice.id);
    sandbox.faults.failNext({ pathPrefix: "/index.php/apps/notes", status: 503, count: 10 });
    const summary = await runDueSyncJobs({ holder: "runner-f", userId: alice.id });
    sandbox.faults.clear();
    expect(summary.failed).toBe(1);
    const notes = (await listSyncJobs(alice.id)).find((j) => j.source === "notes")!;
    expect(notes.errors).toBeGreaterThan(0);
    expect(notes.lastError).toMatch(/Nextcloud/);
    expect(notes.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect(JSON.stringify(notes)).not.toMatch(/eyJ/); // no token in the stored error
  });

  it("the cron route runs jobs only with the secret, compared as a bearer token", async () => {
    const call = (authorization?: string) => runCronTick(new Request("http://app/api/cron/sync", { headers: authorization ? { authorization } : {} }));
    for (const wrong of [undefined, "Bearer wrong", `Bearer ${CRON_SECRET}x`, `Basic ${CRON_SECRET}`, CRON_SECRET]) {
      const refused = await call(wrong);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    await makeDue(alice.id);
    const ok = await call(`Bearer ${CRON_SECRET}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ failed: 0 });
  });

  it("switching the index off deletes it and stops the jobs; on schedules a sync again", async () => {
    const prisma = (await getDatabase()).prisma;
    await setSearchEnabled(bob.id, false);
    expect(await isSearchEnabled(bob.id)).toBe(false);
    expect(await prisma.searchDocument.count({ where: { userId: bob.id } })).toBe(0);
    expect(await listSyncJobs(bob.id)).toEqual([]);
    expect(await runDueSyncJobs({ holder: "runner-off", userId: bob.id })).toEqual({ ran: 0, failed: 0 });
    const off = await bob.call("nc_search", { query: "porto" });
    expect(off.isError).toBe(true);
    expect(off.text).toMatch(/switched off/);

    await setSearchEnabled(bob.id, true);
    expect((await listSyncJobs(bob.id)).length).toBe(2);
    await sync(bob);
    expect((await search(bob, "porto")).hits.length).toBe(1);
  });

  it("revoking Nextcloud access stops the user's jobs and deletes everything they indexed", async () => {
    const prisma = (await getDatabase()).prisma;
    expect(await prisma.searchDocument.count({ where: { userId: alice.id } })).toBeGreaterThan(0);
    const outcome = await revokeNextcloudGrant({ userId: alice.id });
    expect(outcome.revoked).toBe(true);
    expect(await prisma.searchDocument.count({ where: { userId: alice.id } })).toBe(0);
    expect(await prisma.syncJob.count({ where: { userId: alice.id } })).toBe(0);
    expect(await runDueSyncJobs({ holder: "runner-r" })).toMatchObject({ failed: 0 });
    expect(await prisma.syncJob.count({ where: { userId: alice.id } })).toBe(0); // not recreated without a grant
    expect(await prisma.searchDocument.count({ where: { userId: bob.id } })).toBeGreaterThan(0); // bob's untouched
  });
});
