/**
 * The search index's Deck source and verify on read for what another person
 * shared, against the built-in IdP (in this process) and the Nextcloud
 * sandbox, through the MCP server with a real SDK client:
 *
 * - Deck cards: indexed with their board's and list's names; add, change,
 *   delete reach the index; an unchanged board is not read again (its ETag);
 *   a card on a board the caller was removed from is dropped on read.
 * - A file alice shared with bob appears in bob's files (as Nextcloud mounts
 *   incoming shares in the recipient's root) and so in bob's index; once
 *   alice removes the share, bob's nc_search drops the hit and queues a
 *   re-sync, which removes the row.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { backgroundToken } from "@/lib/broker/background-token";
import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db";
import { runBackgroundJob } from "@/lib/jobs/run-background-job";
import { runDueSyncJobs } from "@/lib/jobs/run-sync-jobs";
import { listSyncJobs } from "@/lib/search/sync-job-state";
import { recordHybridGrant } from "@/lib/idp/record-hybrid-grant";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { testDbKind } from "../helpers/databases";
import { connectInMemoryMcpClient, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";
import { freePort } from "../helpers/ports";

const kind = testDbKind();
const DECK = ["deck.read", "deck.write"];
const FILES = ["files.read", "files.write", "files.share"];

interface Person {
  id: string;
  username: string;
  client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<{ isError?: boolean; structuredContent?: Record<string, unknown>; text: string }>;
}
type Hit = { source: string; id: string; title: string; snippet: string; last_modified: string | null };

describe(`search index: Deck cards and unshared files on ${kind}`, () => {
  let idp: InProcessIdp;
  let sandbox: Sandbox;
  let alice: Person;
  let bob: Person;

  async function person(username: string, scopes: string[]): Promise<Person> {
    const id = (await createAccount({ username, password: `${username}-password-123`, displayName: username })).id;
    const saved = await recordHybridGrant({ accountId: id, clientId: "test", scopes });
    expect(saved?.grant.active).toBe(true);
    const client = await connectInMemoryMcpClient(idp, { accountId: id, scopes, name: "search-index-deck-shares-test" });
    return {
      id,
      username,
      client,
      async call(name, args = {}) {
        const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: Record<string, unknown>; content: { type: string; text?: string }[] };
        return { isError: result.isError, structuredContent: result.structuredContent, text: result.content.map((c) => c.text ?? "").join("\n") };
      },
    };
  }

  const must = async (p: Person, name: string, args: Record<string, unknown> = {}) => {
    const result = await p.call(name, args);
    expect(result.isError, result.text).toBeFalsy();
    return result.structuredContent!;
  };
  const sync = (p: Person) => runDueSyncJobs({ holder: "test-runner", userId: p.id });
  const makeDue = async (p: Person) => (await getDatabase()).prisma.syncJob.updateMany({ where: { userId: p.id }, data: { nextRunAt: new Date(Date.now() - 1000) } });
  const notDue = async (p: Person) => (await getDatabase()).prisma.syncJob.updateMany({ where: { userId: p.id }, data: { nextRunAt: new Date(Date.now() + 3_600_000) } });
  const search = async (p: Person, query: string, extra: Record<string, unknown> = {}) => (await must(p, "nc_search", { query, ...extra })) as { hits: Hit[]; dropped: number; sources: string[] };
  const ids = (hits: Hit[]) => hits.map((h) => `${h.source}:${h.id}`).sort();
  /** The person's Nextcloud user id (user_oidc's mapping "preferred_username | sub": whichever the sandbox made). */
  const uid = (p: Person) => (sandbox.users.get(p.username) ? p.username : p.id);
  const served = (method: string, pathPart: string) => sandbox.seen.list().filter((e) => e.method === method && e.path.includes(pathPart)).length;
  /** A raw Deck request as `p` (the owner managing a board's members: no tool does that), with a token from p's own grant. */
  async function deckAs(p: Person, method: string, path: string, body?: unknown) {
    const token = await runBackgroundJob({ kind: "test", userId: p.id }, (job) => backgroundToken(job, ["deck.write"]));
    const res = await fetch(`${sandbox.url}/index.php/apps/deck/api/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${token.accessToken}`, "OCS-APIRequest": "true", accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(res.status, `${method} ${path}`).toBe(200);
    return (await res.json()) as unknown;
  }

  beforeAll(async () => {
    const sandboxPort = await freePort();
    idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false", SANDBOX_PORT: String(sandboxPort), BACKGROUND_JOBS: "off" });
    sandbox = await startSandbox({ port: sandboxPort, issuer: getConfig().ISSUER, audience: "nextcloud", recordTokens: true });
    alice = await person("alice", [...DECK, ...FILES]);
    bob = await person("bob", [...DECK, ...FILES]);
  });
  afterAll(async () => {
    await alice?.client.close();
    await bob?.client.close();
    await sandbox?.close();
    await idp?.close();
  });

  describe("Deck cards", () => {
    let boardId: number;
    let todo: number;
    let done: number;
    let cardId: number;

    it("are indexed with title, description, board and list names; nc_search finds them and names the card", async () => {
      const board = (await must(alice, "nc_deck_create_board", { title: "Lisbon move", stacks: ["To do", "Done"] })) as { id: number; stacks: { id: number; title: string }[] };
      boardId = board.id;
      [todo, done] = [board.stacks[0]!.id, board.stacks[1]!.id];
      cardId = ((await must(alice, "nc_deck_create_card", { board_id: boardId, stack_id: todo, title: "Book movers", description: "Ask for a quote with the azulejo crates." })) as { id: number }).id;
      expect((await listSyncJobs(alice.id)).map((j) => j.source).sort()).toEqual(["deck", "files"]);
      expect(await sync(alice)).toEqual({ ran: 2, failed: 0 });

      const id = `deck:${boardId}/${todo}/${cardId}`;
      expect(ids((await search(alice, "movers")).hits)).toEqual([id]); // title
      expect(ids((await search(alice, "azulejo crates")).hits)).toEqual([id]); // description
      expect(ids((await search(alice, "lisbon")).hits)).toEqual([id]); // board name
      expect(ids((await search(alice, "movers", { sources: ["deck"] })).hits)).toEqual([id]);
      const hit = (await search(alice, "movers")).hits[0]!;
      expect(hit).toMatchObject({ title: "Book movers" });
      expect(Date.parse(hit.last_modified!)).toBeGreaterThan(Date.now() - 10 * 60_000);
      // The hit's id opens the card.
      expect(await must(alice, "nc_deck_get_card", { board_id: boardId, card_id: cardId })).toMatchObject({ title: "Book movers" });
      const status = (await must(alice, "nc_search_status")).sources as { source: string; items: number }[];
      expect(status.find((s) => s.source === "deck")).toMatchObject({ items: 1 });
    });

    it("an unchanged board is not read again; a change, a move and a deletion reach the index", async () => {
      await makeDue(alice);
      sandbox.seen.clear();
      expect(await sync(alice)).toEqual({ ran: 2, failed: 0 });
      expect(served("GET", `/boards/${boardId}/stacks`)).toBe(0); // the board list's ETag said: nothing changed
      expect(served("GET", "/apps/deck/api/v1.0/boards")).toBe(1);

      await must(alice, "nc_deck_update_card", { board_id: boardId, card_id: cardId, title: "Book the removal van", move_to_stack_id: done });
      const second = ((await must(alice, "nc_deck_create_card", { board_id: boardId, stack_id: todo, title: "Cancel the gym" })) as { id: number }).id;
      await must(alice, "nc_deck_manage_stack", { board_id: boardId, action: "rename", stack_id: todo, title: "Backlog" });
      await makeDue(alice);
      expect(await sync(alice)).toEqual({ ran: 2, failed: 0 });
      expect(ids((await search(alice, "removal van")).hits)).toEqual([`deck:${boardId}/${done}/${cardId}`]);
      expect((await search(alice, "movers")).hits).toEqual([]);
      expect(ids((await search(alice, "backlog")).hits)).toEqual([`deck:${boardId}/${todo}/${second}`]); // the renamed list

      await must(alice, "nc_deck_delete_card", { board_id: boardId, card_id: second });
      await makeDue(alice);
      await sync(alice);
      expect((await search(alice, "gym")).hits).toEqual([]);
      const prisma = (await getDatabase()).prisma;
      expect(await prisma.searchDocument.count({ where: { userId: alice.id, source: "deck" } })).toBe(1);
    });

    it("a card on a board the caller was removed from is dropped on read and the deck source re-synced", async () => {
      const acl = (await deckAs(alice, "POST", `/boards/${boardId}/acl`, { type: 0, participant: uid(bob), permissionEdit: false, permissionShare: false, permissionManage: false })) as { id: number }[];
      await makeDue(bob);
      expect(await sync(bob)).toMatchObject({ failed: 0 });
      const id = `deck:${boardId}/${done}/${cardId}`;
      expect(ids((await search(bob, "removal van")).hits)).toEqual([id]);
      await notDue(bob);

      await deckAs(alice, "DELETE", `/boards/${boardId}/acl/${acl[0]!.id}`);
      const after = await search(bob, "removal van");
      expect(after).toMatchObject({ hits: [], dropped: 1 });
      expect((await listSyncJobs(bob.id)).find((j) => j.source === "deck")!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
      await sync(bob);
      const prisma = (await getDatabase()).prisma;
      expect(await prisma.searchDocument.count({ where: { userId: bob.id, source: "deck" } })).toBe(0);
      // Alice, still on her board, keeps finding it.
      expect(ids((await search(alice, "removal van")).hits)).toEqual([id]);
    });
  });

  describe("a file shared with bob, then unshared", () => {
    it("appears in bob's files (his root, as Nextcloud mounts it) and index; unshared, bob's nc_search drops it, re-syncs, and the row goes", async () => {
      await must(alice, "nc_webdav_create_directory", { path: "/Plans" });
      await must(alice, "nc_webdav_write_file", { path: "/Plans/harbour-budget.md", content: "# Harbour budget\nQuay rental: 400 escudos." });
      // Bob has his own file of the same name: the share is mounted as "harbour-budget (2).md".
      await must(bob, "nc_webdav_write_file", { path: "/harbour-budget.md", content: "Bob's own notes on tides." });
      const share = (await must(alice, "nc_share_with", { path: "/Plans/harbour-budget.md", with: uid(bob) })) as { id: string };

      // In bob's files, read with bob's own session token.
      const listing = (await must(bob, "nc_webdav_list_directory", { path: "/" })) as { items?: { name: string }[]; entries?: { name: string }[] };
      expect(JSON.stringify(listing)).toContain("harbour-budget (2).md");
      expect(JSON.stringify(await must(bob, "nc_webdav_read_file", { path: "/harbour-budget (2).md" }))).toContain("escudos");
      // Read-only in the sandbox; and alice's other files stay out of reach.
      expect((await bob.call("nc_webdav_write_file", { path: "/harbour-budget (2).md", content: "x" })).isError).toBe(true);
      expect((await bob.call("nc_webdav_read_file", { path: "/Plans/harbour-budget.md" })).isError).toBe(true);

      await makeDue(bob);
      expect(await sync(bob)).toMatchObject({ failed: 0 });
      const shared = "files:/harbour-budget (2).md";
      expect(ids((await search(bob, "escudos")).hits)).toEqual([shared]);
      expect(ids((await search(bob, "tides")).hits)).toEqual(["files:/harbour-budget.md"]);
      await notDue(bob);

      await must(alice, "nc_share_delete", { id: share.id });
      expect((await bob.call("nc_webdav_read_file", { path: "/harbour-budget (2).md" })).isError).toBe(true);
      const after = await search(bob, "escudos");
      expect(after).toMatchObject({ hits: [], dropped: 1 });
      expect((await listSyncJobs(bob.id)).find((j) => j.source === "files")!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
      await sync(bob);
      const prisma = (await getDatabase()).prisma;
      expect(await prisma.searchDocument.count({ where: { userId: bob.id, source: "files", itemId: "/harbour-budget (2).md" } })).toBe(0);
      // Bob's own file is untouched, and alice still finds hers.
      expect(ids((await search(bob, "tides")).hits)).toEqual(["files:/harbour-budget.md"]);
      await makeDue(alice);
      expect(await sync(alice)).toMatchObject({ failed: 0 });
      expect(ids((await search(alice, "escudos")).hits)).toEqual(["files:/Plans/harbour-budget.md"]);
    });
  });
});
