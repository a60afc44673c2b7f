/**
 * End-to-end: the MCP SDK client (its own OAuth flow through the IdP's real
 * forms) calls the Deck and sharing tools of the built app; every call goes
 * through the provisioning guard, an RFC 8693 exchange and the sandbox.
 * Alice starts with the demo board. Also: Bob cannot see Alice's board,
 * malformed input is a tool error, and the capability gate — Deck switched
 * off in the Nextcloud → no Deck tools listed, a call by name fails clearly;
 * switched on again → they are back. Once per NEXTCLOUD_AUTH mode (one stack
 * each): bearer sends the exchanged token, app-password the person's app
 * password from Login Flow v2 after checking that token.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, BOB, linkIn, markNextcloud, NEXTCLOUD_AUTH_MODES, nextcloudSaw, PersonClient, provisionThrough, startProvisioningStack, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";

type Structured = Record<string, any>;
const data = (r: CallToolResult) => r.structuredContent as Structured;

describe.each(NEXTCLOUD_AUTH_MODES)("Deck and sharing tools end-to-end, NEXTCLOUD_AUTH=%s", (mode) => {
  let stack: ProvisioningStack;
  let alice: PersonClient;

  const listedNames = async (client: PersonClient) => new Set((await client.client.listTools()).tools.map((t) => t.name));

  /** Calls a tool; when the answer is a provisioning link, the person grants what the tool needs and the call is repeated. */
  async function use(client: PersonClient, name: string, args: Record<string, unknown> = {}, person = ALICE): Promise<CallToolResult> {
    const result = await client.call(name, args);
    if (!result.isError || !linkIn(textOf(result))) return result;
    await provisionThrough(stack, result, person);
    return client.call(name, args);
  }

  beforeAll(async () => {
    // TTL 0: every tool call re-reads the capabilities, so the test sees an admin's switch at once.
    stack = await startProvisioningStack({ NEXTCLOUD_AUTH: mode, NEXTCLOUD_CAPABILITIES_TTL_SECONDS: "0" }, { seedUsers: ["alice"] });
    alice = await new PersonClient(stack, ALICE).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await stack?.stop();
  });

  it("lists ten Deck and five sharing tools with output schemas and annotations; a public link is marked open-world", async () => {
    const { tools } = await alice.client.listTools();
    const ours = tools.filter((t) => /^nc_(deck|share)_/.test(t.name));
    expect(ours.map((t) => t.name).sort()).toEqual(
      [
        "nc_deck_add_comment", "nc_deck_create_board", "nc_deck_create_card", "nc_deck_delete_card", "nc_deck_get_board", "nc_deck_get_card", "nc_deck_list_boards", "nc_deck_manage_label", "nc_deck_manage_stack", "nc_deck_update_card",
        "nc_share_create_link", "nc_share_delete", "nc_share_list", "nc_share_update", "nc_share_with",
      ].sort(),
    );
    for (const t of ours) {
      expect(t.outputSchema, t.name).toBeTruthy();
      expect(typeof t.annotations?.readOnlyHint, t.name).toBe("boolean");
    }
    const link = ours.find((t) => t.name === "nc_share_create_link")!;
    expect(link.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
    expect(link.description).toMatch(/ANYONE WITH THE LINK/);
    expect(link.description).toMatch(/Share your files \(files\.share\)/);
  });

  let boardId: number;
  let stacks: Structured[];

  it("the first Deck call asks for deck.read; then the demo board comes back in one overview call", async () => {
    const first = await alice.call("nc_deck_list_boards");
    expect(first.isError).toBe(true);
    expect(textOf(first)).toMatch(/deck\.read/);
    const mark = await markNextcloud(stack);
    const boards = await use(alice, "nc_deck_list_boards");
    expect(boards.isError, textOf(boards)).toBeFalsy();
    expect(data(boards).boards.map((b: Structured) => b.title)).toEqual(["Project Atlas"]);
    boardId = data(boards).boards[0].id;
    const overview = await alice.call("nc_deck_get_board", { board_id: boardId });
    expect(overview.isError, textOf(overview)).toBeFalsy();
    stacks = data(overview).stacks;
    expect(stacks.map((s) => s.title)).toEqual(["To do", "In progress", "Done"]);
    expect(textOf(overview)).toMatch(/Timeline draft/);
    expect(data(overview).labels.map((l: Structured) => l.title)).toContain("Action needed");
    await nextcloudSaw(stack, mark, (t) => t.path.startsWith("/index.php/apps/deck/"), { scope: ["deck.read"], user: ALICE.username });
  });

  it("create a card with labels and an assignee (asks for deck.write) → comment → update and move to Done → read it → delete", async () => {
    const todo = stacks[0]!.id;
    const done = stacks[2]!.id;
    const created = await use(alice, "nc_deck_create_card", { board_id: boardId, stack_id: todo, title: "Release notes", description: "Draft for 2.0", due: "2027-01-20T17:00:00+01:00", labels: ["action needed"], assignees: ["alice"] });
    expect(created.isError, textOf(created)).toBeFalsy();
    expect(data(created)).toMatchObject({ title: "Release notes", stack_id: todo, labels: [{ title: "Action needed" }], assignees: [{ uid: "alice" }] });
    const cardId = data(created).id;

    expect((await alice.call("nc_deck_add_comment", { card_id: cardId, message: "Needs the API section" })).isError).toBeFalsy();
    const updated = await alice.call("nc_deck_update_card", { board_id: boardId, card_id: cardId, title: "Release notes 2.0", move_to_stack_id: done, add_labels: ["Finished"], remove_labels: ["Action needed"], due: null });
    expect(updated.isError, textOf(updated)).toBeFalsy();
    expect(data(updated)).toMatchObject({ title: "Release notes 2.0", stack_id: done, due: null, labels: [{ title: "Finished" }] });
    const got = await alice.call("nc_deck_get_card", { board_id: boardId, card_id: cardId });
    expect(data(got)).toMatchObject({ stack_title: "Done", description: "Draft for 2.0", comments: [{ author: "alice", message: "Needs the API section" }] });

    const archived = await alice.call("nc_deck_update_card", { board_id: boardId, card_id: cardId, archived: true });
    expect(data(archived).archived).toBe(true);
    const deleted = await alice.call("nc_deck_delete_card", { board_id: boardId, card_id: cardId });
    expect(data(deleted).deleted).toMatchObject({ id: cardId, title: "Release notes 2.0" });
    expect((await alice.call("nc_deck_get_card", { board_id: boardId, card_id: cardId })).isError).toBe(true);
  });

  it("boards, stacks and labels: create with stacks, rename, reorder, delete; label create/update/delete", async () => {
    const board = await alice.call("nc_deck_create_board", { title: "Household", stacks: ["Ideas", "Doing", "Done"] });
    expect(data(board).stacks.map((s: Structured) => s.title)).toEqual(["Ideas", "Doing", "Done"]);
    const id = data(board).id;
    const ideas = data(board).stacks[0].id;
    expect(data(await alice.call("nc_deck_manage_stack", { board_id: id, action: "rename", stack_id: ideas, title: "Backlog" })).stack.title).toBe("Backlog");
    const moved = await alice.call("nc_deck_manage_stack", { board_id: id, action: "reorder", stack_id: ideas, position: 2 });
    expect(textOf(moved)).toMatch(/Doing → Done → Backlog/);
    const added = await alice.call("nc_deck_manage_stack", { board_id: id, action: "create", title: "Waiting" });
    expect(data(added).stack.title).toBe("Waiting");
    expect(data(await alice.call("nc_deck_manage_stack", { board_id: id, action: "delete", stack_id: data(added).stack.id })).deleted_cards).toBe(0);
    const overview = await alice.call("nc_deck_get_board", { board_id: id });
    expect(data(overview).stacks.map((s: Structured) => s.title)).toEqual(["Doing", "Done", "Backlog"]);

    const label = await alice.call("nc_deck_manage_label", { board_id: id, action: "create", title: "Urgent", color: "#ff0000" });
    expect(data(label).label).toMatchObject({ title: "Urgent", color: "FF0000" });
    expect(data(await alice.call("nc_deck_manage_label", { board_id: id, action: "update", label: "urgent", title: "Very urgent" })).label.title).toBe("Very urgent");
    expect((await alice.call("nc_deck_manage_label", { board_id: id, action: "delete", label: data(label).label.id })).isError).toBeFalsy();
  });

  it("malformed input is a clear tool error, never a protocol failure", async () => {
    const todo = stacks[0]!.id;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["nc_deck_get_board", { board_id: "one" }, /board_id/],
      ["nc_deck_update_card", { board_id: boardId, card_id: 1 }, /Nothing to update/],
      ["nc_deck_create_card", { board_id: boardId, stack_id: todo, title: "x", labels: ["No such label"] }, /has no label "No such label"; its labels are: .*Finished/],
      ["nc_deck_create_card", { board_id: boardId, stack_id: 999999, title: "x" }, /HTTP 400/],
      ["nc_deck_create_card", { board_id: boardId, stack_id: todo, title: "x", due: "friday" }, /due/],
      ["nc_deck_update_card", { board_id: boardId, card_id: 1, move_to_board_id: 5 }, /needs move_to_stack_id/],
      ["nc_deck_manage_stack", { board_id: boardId, action: "rename" }, /needs stack_id/],
      ["nc_deck_manage_label", { board_id: boardId, action: "update", label: "Later" }, /new title or color/],
      ["nc_deck_create_board", { title: "x", color: "red" }, /6 hex digits/],
    ];
    for (const [name, args, message] of cases) {
      const result = await alice.call(name, args);
      expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result), `${name} ${JSON.stringify(args)}`).toMatch(message);
    }
  });

  it("Bob cannot see Alice's board: not listed, and reading it by id is Deck's 403", async () => {
    const bob = await new PersonClient(stack, BOB).connect();
    try {
      const boards = await use(bob, "nc_deck_list_boards", {}, BOB);
      expect(boards.isError, textOf(boards)).toBeFalsy();
      expect(data(boards).boards.map((b: Structured) => b.id)).not.toContain(boardId);
      const peek = await bob.call("nc_deck_get_board", { board_id: boardId });
      expect(peek.isError).toBe(true);
      expect(textOf(peek)).toMatch(/HTTP 403 "Permission denied"/);
      const sneak = await use(bob, "nc_deck_create_card", { board_id: boardId, stack_id: stacks[0]!.id, title: "from Bob" }, BOB);
      expect(sneak.isError).toBe(true);
      expect(textOf(sneak)).toMatch(/403/);
    } finally {
      await bob.close();
    }
  });

  it("sharing: list (asks for files.share), share with Bob, public link with password and expiry, change, stop", async () => {
    const none = await use(alice, "nc_share_list", { path: "/Documents/Project plan.md" });
    expect(none.isError, textOf(none)).toBeFalsy();
    expect(data(none).shares).toEqual([]);
    const withBob = await alice.call("nc_share_with", { path: "/Documents/Project plan.md", with: "bob", access: "edit", is_file: true });
    expect(withBob.isError, textOf(withBob)).toBeFalsy();
    expect(data(withBob)).toMatchObject({ type: "user", shared_with: "bob", permissions: ["read", "update"] });
    const link = await alice.call("nc_share_create_link", { path: "/Documents", password: "a long passphrase", expires: "2099-06-30" });
    expect(link.isError, textOf(link)).toBeFalsy();
    expect(data(link)).toMatchObject({ type: "link", password_protected: true, expires: "2099-06-30", permissions: ["read"] });
    expect(data(link).url).toMatch(/\/s\/[A-Za-z0-9]+$/);
    expect(JSON.stringify(link)).not.toContain("a long passphrase");
    const open = await alice.call("nc_share_create_link", { path: "/Readme.md" });
    expect(textOf(open)).toMatch(/no password: anyone with the URL/);
    const upload = await alice.call("nc_share_update", { id: data(link).id, access: "upload", expires: null });
    expect(data(upload)).toMatchObject({ expires: null, changed: ["access", "expires"] });
    expect(data(upload).permissions).toEqual(expect.arrayContaining(["read", "create"]));
    const listed = await alice.call("nc_share_list", {});
    expect(data(listed).shares.map((s: Structured) => s.id).sort()).toEqual([data(withBob).id, data(link).id, data(open).id].sort());
    expect(data(await alice.call("nc_share_delete", { id: data(open).id })).deleted.path).toBe("/Readme.md");

    const bad: [string, Record<string, unknown>, RegExp][] = [
      ["nc_share_with", { path: "/nope.txt", with: "bob" }, /does not exist/],
      ["nc_share_with", { path: "/Readme.md", with: "nobody-at-all" }, /does not exist/],
      ["nc_share_create_link", { path: "/Readme.md", expires: "2001-01-01" }, /in the past/],
      ["nc_share_create_link", { path: "/", access: "read" }, /whole home folder/],
      ["nc_share_update", { id: "../x" }, /share id/],
      ["nc_share_update", { id: data(link).id }, /Nothing to change/],
    ];
    for (const [name, args, message] of bad) {
      const result = await alice.call(name, args);
      expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result), `${name} ${JSON.stringify(args)}`).toMatch(message);
    }
  });

  it("Deck switched off in Nextcloud: the next call reads the capabilities, tools/list drops the Deck tools, a call by name fails clearly; on again, they are back", async () => {
    expect([...(await listedNames(alice))].some((n) => n.startsWith("nc_deck_"))).toBe(true);
    stack.sandbox.apps.disable("deck");
    try {
      // Any Nextcloud tool call re-reads the capabilities (TTL 0 here).
      expect((await alice.call("nc_share_list", {})).isError).toBeFalsy();
      const names = await listedNames(alice);
      expect([...names].filter((n) => n.startsWith("nc_deck_"))).toEqual([]);
      expect(names.has("nc_share_list")).toBe(true);
      // Not registered for this request, so the answer is a JSON-RPC error (-32602) that says why.
      await expect(alice.call("nc_deck_list_boards")).rejects.toThrow(/nc_deck_list_boards is not available: this Nextcloud does not have the Deck app/);
    } finally {
      stack.sandbox.apps.enable("deck");
    }
    expect((await alice.call("nc_share_list", {})).isError).toBeFalsy();
    expect((await listedNames(alice)).has("nc_deck_list_boards")).toBe(true);
    expect(data(await alice.call("nc_deck_list_boards")).boards.length).toBeGreaterThan(0);
  });

  it("while an app is missing its scope stays grantable, and the provisioning page says the app is missing", async () => {
    stack.sandbox.apps.disable("files_sharing");
    const bob = await new PersonClient(stack, BOB).connect();
    try {
      expect((await alice.call("nc_deck_list_boards")).isError).toBeFalsy();
      expect((await listedNames(alice)).has("nc_share_list")).toBe(false);
      const asked = await bob.call("provision_nextcloud_access", { scopes: ["files.share"] });
      expect(asked.isError, textOf(asked)).toBeFalsy();
      const page = await (await fetch((asked.structuredContent as { provisioning_url: string }).provisioning_url)).text();
      expect(page).toContain('data-scope="files.share"');
      expect(page).toMatch(/data-testid="app-missing" data-app="files_sharing"/);
      // React separates the text parts with <!-- --> in server-rendered HTML.
      expect(page).toMatch(/does not have the (<!-- -->)?File sharing(<!-- -->)? app enabled/);
    } finally {
      stack.sandbox.apps.enable("files_sharing");
      await bob.close();
    }
  });
});
