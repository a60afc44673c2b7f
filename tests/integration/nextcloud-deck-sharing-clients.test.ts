/**
 * The Deck, sharing and capabilities clients (lib/nextcloud/deck-client.ts,
 * sharing-client.ts, capabilities.ts) against the sandbox over real HTTP:
 * CRUD, the error shapes Deck and OCS really return (403 on a board you
 * cannot see, 400 on a stack that is not on the board, OCS 404s), ETags,
 * per-user isolation, the #[CORS] bearer rule on Deck, the demo board, and
 * the capabilities an admin can switch.
 */
import { describe, expect, it } from "vitest";
import { readCapabilities } from "@/lib/nextcloud/capabilities";
import {
  addComment,
  changeCard,
  createBoard,
  createCard,
  createLabel,
  createStack,
  deleteCard,
  getBoard,
  getCard,
  listBoards,
  listComments,
  listStacks,
  locateCard,
  moveCard,
  updateCard,
} from "@/lib/nextcloud/deck-client";
import { createShare, deleteShare, listShares, PERMISSION, SHARE_TYPES, updateShare } from "@/lib/nextcloud/sharing-client";
import { startSandbox } from "@/lib/sandbox/start-sandbox";
import { connectionFor } from "../helpers/nextcloud-connection";
import { requestFailure, useNextcloudSandbox } from "../helpers/sandbox-fixture";

const DECK = ["deck.read", "deck.write"];
const nc = useNextcloudSandbox();

describe("Deck client against the sandbox Deck app", () => {
  it("creates a board with stacks and cards, labels, assignees, comments; moves and archives a card", async () => {
    const alice = await nc.connect("alice-deck", DECK);
    const board = await createBoard(alice, { title: "Release", color: "ff0000" });
    expect(board.labels.map((l) => l.title)).toEqual(["Finished", "To review", "Action needed", "Later"]);
    const todo = await createStack(alice, board.id, { title: "To do", order: 0 });
    const done = await createStack(alice, board.id, { title: "Done", order: 1 });
    const card = await createCard(alice, board.id, todo.id, { title: "Write notes", description: "For 2.0", duedate: "2027-01-20T17:00:00+01:00" });
    expect(card).toMatchObject({ title: "Write notes", description: "For 2.0", stackId: todo.id, archived: false, owner: "alice-deck" });
    await changeCard(alice, board.id, todo.id, card.id, "assignLabel", board.labels[1]!.id);
    await changeCard(alice, board.id, todo.id, card.id, "assignUser", "alice-deck");
    const labelled = await getCard(alice, board.id, todo.id, card.id);
    expect(labelled.labels.map((l) => l.title)).toEqual(["To review"]);
    expect(labelled.assignedUsers.map((u) => u.uid)).toEqual(["alice-deck"]);
    expect(labelled.ETag).not.toBe(card.ETag);

    await moveCard(alice, board.id, todo.id, card.id, { stackId: done.id, order: 0 });
    const stacks = await listStacks(alice, board.id);
    expect(stacks.find((s) => s.id === done.id)!.cards.map((c) => c.id)).toEqual([card.id]);

    const archived = await updateCard(alice, board.id, (await locateCard(alice, board.id, card.id)).card, { archived: true });
    expect(archived.archived).toBe(true);
    // An archived card is not in the stack list, but is still found.
    expect((await listStacks(alice, board.id)).flatMap((s) => s.cards)).toEqual([]);
    expect((await locateCard(alice, board.id, card.id)).card.archived).toBe(true);

    await addComment(alice, card.id, "Looks good");
    expect((await listComments(alice, card.id)).map((c) => [c.actorId, c.message])).toEqual([["alice-deck", "Looks good"]]);
    const label = await createLabel(alice, board.id, { title: "Blocked", color: "000000" });
    expect((await getBoard(alice, board.id)).labels.map((l) => l.id)).toContain(label.id);

    // A move to another board: the full update with the target board and stack in the route; labels stay behind.
    const other = await createBoard(alice, { title: "Next release", color: "00aa00" });
    const backlog = await createStack(alice, other.id, { title: "Backlog", order: 0 });
    const moved = await updateCard(alice, other.id, (await locateCard(alice, board.id, card.id)).card, { stackId: backlog.id, archived: false });
    expect(moved).toMatchObject({ stackId: backlog.id, labels: [], archived: false });
    expect((await listStacks(alice, other.id))[0]!.cards.map((c) => c.id)).toEqual([card.id]);

    await deleteCard(alice, other.id, backlog.id, card.id);
    expect((await requestFailure(getCard(alice, other.id, backlog.id, card.id))).status).toBe(404);
  });

  it("Alice's board is invisible to Bob (403 Permission denied) until she shares it; a foreign stack id is 400", async () => {
    const alice = await nc.connect("alice-iso", DECK);
    const bob = await nc.connect("bob-iso", DECK);
    const board = await createBoard(alice, { title: "Private", color: "00ff00" });
    const stack = await createStack(alice, board.id, { title: "Ideas", order: 0 });
    expect((await listBoards(bob)).map((b) => b.id)).not.toContain(board.id);
    const denied = await requestFailure(getBoard(bob, board.id));
    expect(denied).toMatchObject({ status: 403, failure: "forbidden" });
    expect(denied.message).toMatch(/Permission denied/);
    expect((await requestFailure(createCard(bob, board.id, stack.id, { title: "sneaky" }))).status).toBe(403);

    // Raw answer shape, as Deck sends it.
    const token = await nc.issuer.mint({ sub: "bob-iso", scope: "deck.read" });
    const raw = await fetch(`${nc.sandbox.url}/index.php/apps/deck/api/v1.0/boards/${board.id}`, { headers: { authorization: `Bearer ${token}`, "OCS-APIRequest": "true" } });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toEqual({ status: 403, message: "Permission denied" });

    const bobsBoard = await createBoard(bob, { title: "Bob's", color: "0000ff" });
    const bobsStack = await createStack(bob, bobsBoard.id, { title: "Mine", order: 0 });
    const bad = await requestFailure(createCard(alice, board.id, bobsStack.id, { title: "wrong stack" }));
    expect(bad).toMatchObject({ status: 400, failure: "invalid" });

    // Shared read-only: Bob sees it but may not change it.
    const ownerToken = await nc.issuer.mint({ sub: "alice-iso", scope: "deck.write" });
    const shared = await fetch(`${nc.sandbox.url}/index.php/apps/deck/api/v1.0/boards/${board.id}/acl`, {
      method: "POST",
      headers: { authorization: `Bearer ${ownerToken}`, "OCS-APIRequest": "true", "content-type": "application/json" },
      body: JSON.stringify({ type: 0, participant: "bob-iso", permissionEdit: false, permissionShare: false, permissionManage: false }),
    });
    expect(shared.status).toBe(200);
    expect((await listBoards(bob)).map((b) => b.id)).toContain(board.id);
    expect((await getBoard(bob, board.id)).permissions).toMatchObject({ PERMISSION_READ: true, PERMISSION_EDIT: false });
    expect((await requestFailure(createCard(bob, board.id, stack.id, { title: "still no" }))).status).toBe(403);
  });

  it("the REST API is #[CORS]: a bearer request without OCS-APIRequest is 401 CORS requires basic auth; ETag gives 304; deck.read cannot write", async () => {
    const token = await nc.issuer.mint({ sub: "carol-deck", scope: "deck.read" });
    const url = `${nc.sandbox.url}/index.php/apps/deck/api/v1.0/boards`;
    const cors = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(cors.status).toBe(401);
    expect(await cors.json()).toEqual({ message: "CORS requires basic auth" });
    const writer = await nc.connect("carol-deck", DECK);
    const board = await createBoard(writer, { title: "Etags", color: "123456" });
    const first = await fetch(`${url}/${board.id}`, { headers: { authorization: `Bearer ${token}`, "OCS-APIRequest": "true" } });
    const etag = first.headers.get("etag")!;
    await first.body?.cancel();
    const again = await fetch(`${url}/${board.id}`, { headers: { authorization: `Bearer ${token}`, "OCS-APIRequest": "true", "if-none-match": etag } });
    expect(again.status).toBe(304);
    const reader = await nc.connect("carol-deck", ["deck.read"]);
    // The sender's scope table refuses first (lib/nextcloud/api-scopes.ts); the sandbox's own 403 is checked by the raw request below.
    const denied = await requestFailure(createStack(reader, board.id, { title: "x", order: 0 }));
    expect(denied.failure).toBe("forbidden");
    expect(denied.reason).toBe("scope_not_granted");
    const raw = await fetch(`${url}/${board.id}/stacks`, { method: "POST", headers: { authorization: `Bearer ${token}`, "OCS-APIRequest": "true", "content-type": "application/json" }, body: JSON.stringify({ title: "x", order: 0 }) });
    expect(raw.status).toBe(403);
  });

  it("a seeded user starts with the demo board: stacks with cards, labels and an assignment", async () => {
    const demo = await startSandbox({ issuer: nc.issuer.issuer, seedUsers: ["alice"] });
    try {
      const alice = await connectionFor(nc.issuer, demo.url, "alice", ["deck.read"]);
      const boards = await listBoards(alice);
      expect(boards.map((b) => b.title)).toEqual(["Project Atlas"]);
      const stacks = await listStacks(alice, boards[0]!.id);
      expect(stacks.map((s) => s.title)).toEqual(["To do", "In progress", "Done"]);
      const cards = stacks.flatMap((s) => s.cards);
      expect(cards.find((c) => c.title === "Timeline draft")).toMatchObject({ assignedUsers: [{ uid: "alice" }], labels: [{ title: "To review" }] });
      expect(cards.filter((c) => c.duedate).length).toBeGreaterThan(0);
    } finally {
      await demo.close();
    }
  });
});

describe("sharing client against the sandbox OCS Share API", () => {
  it("shares with a user, lists, updates permissions, creates a public link with expiry, deletes; Bob sees what is shared with him", async () => {
    const seeded = await startSandbox({ issuer: nc.issuer.issuer, seedUsers: ["alice"] });
    try {
      const alice = await connectionFor(nc.issuer, seeded.url, "alice", ["files.share"]);
      const bob = await connectionFor(nc.issuer, seeded.url, "bob", ["files.share"]);
      await listShares(bob); // Bob exists once he has been seen.
      const share = await createShare(alice, { path: "/Documents/Project plan.md", shareType: SHARE_TYPES.user, shareWith: "bob", permissions: PERMISSION.read });
      expect(share).toMatchObject({ share_type: 0, share_with: "bob", permissions: 1, path: "/Documents/Project plan.md", item_type: "file" });
      expect((await listShares(alice, { path: "/Documents/Project plan.md" })).map((s) => s.id)).toEqual([share.id]);
      expect((await listShares(alice, { path: "/Documents", subfiles: true })).map((s) => s.id)).toEqual([share.id]);
      expect((await listShares(bob, { sharedWithMe: true })).map((s) => s.id)).toEqual([share.id]);
      expect(await listShares(bob)).toEqual([]);

      const edited = await updateShare(alice, share.id, { permissions: PERMISSION.read | PERMISSION.update });
      expect(edited.permissions).toBe(3);
      const badFile = await requestFailure(updateShare(alice, share.id, { permissions: 31 }));
      expect(badFile).toMatchObject({ status: 400, failure: "invalid" });

      const link = await createShare(alice, { path: "/Documents", shareType: SHARE_TYPES.link, permissions: PERMISSION.read, expireDate: "2099-12-31", password: "correct horse" });
      expect(link.url).toMatch(new RegExp(`^${seeded.url}/s/[A-Za-z0-9]+$`));
      expect(link.expiration).toBe("2099-12-31 00:00:00");
      expect(JSON.stringify(link)).not.toContain("correct horse");

      // Bob cannot change or delete Alice's share: for him it does not exist.
      expect((await requestFailure(deleteShare(bob, share.id))).status).toBe(404);
      await deleteShare(alice, share.id);
      expect((await listShares(bob, { sharedWithMe: true })).map((s) => s.id)).toEqual([]);

      expect((await requestFailure(createShare(alice, { path: "/nope.txt", shareType: SHARE_TYPES.link }))).status).toBe(404);
      expect((await requestFailure(createShare(alice, { path: "/Readme.md", shareType: SHARE_TYPES.user, shareWith: "nobody-here" }))).status).toBe(404);
      expect((await requestFailure(createShare(alice, { path: "/Readme.md", shareType: SHARE_TYPES.link, expireDate: "2001-01-01" }))).status).toBe(400);
      // files.read does not reach the sharing API: the sender's scope table refuses before sending (lib/nextcloud/api-scopes.ts).
      expect(await requestFailure(listShares(await connectionFor(nc.issuer, seeded.url, "alice", ["files.read"])))).toMatchObject({ failure: "forbidden", reason: "scope_not_granted" });
    } finally {
      await seeded.close();
    }
  });
});

describe("capabilities", () => {
  it("a logged-in read names Notes, Deck and sharing; an anonymous one only the public capabilities; Deck switched off disappears and its API is 404", async () => {
    const alice = await nc.connect("alice-caps", DECK);
    const caps = await readCapabilities(alice);
    expect([...caps.apps]).toEqual(expect.arrayContaining(["core", "notes", "deck", "files_sharing", "dav"]));
    expect(caps.version).toBe("32.0.1");
    const anonymous = await (await fetch(`${nc.sandbox.url}/ocs/v2.php/cloud/capabilities?format=json`, { headers: { "OCS-APIRequest": "true" } })).json();
    expect(Object.keys(anonymous.ocs.data.capabilities)).not.toContain("deck");
    nc.sandbox.apps.disable("deck");
    try {
      expect([...(await readCapabilities(alice)).apps]).not.toContain("deck");
      expect((await requestFailure(listBoards(alice))).status).toBe(404);
    } finally {
      nc.sandbox.apps.enable("deck");
    }
    expect((await listBoards(alice)).length).toBeGreaterThanOrEqual(0);
  });
});
