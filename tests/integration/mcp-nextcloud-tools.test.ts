/**
 * End-to-end: the MCP SDK client (its own OAuth flow, through the IdP's real
 * login and consent forms) calls the notes and files tools of the built app;
 * every call goes through the provisioning guard, an RFC 8693 exchange and
 * the Nextcloud sandbox (Notes app, webdav-server). Once per NEXTCLOUD_AUTH
 * mode (one stack each): bearer sends the exchanged token, app-password the
 * person's app password from Login Flow v2 after checking that token.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_LABEL, SANDBOX_META_KEY } from "@/lib/mcp/mark-sandbox-origin";
import { testDbKind } from "../helpers/databases";
import { ALICE, BOB, markNextcloud, NEXTCLOUD_AUTH_MODES, nextcloudSaw, PersonClient, provisionThrough as provision, startProvisioningStack, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";

const kind = testDbKind();
type Structured = Record<string, unknown>;
const data = (r: CallToolResult) => r.structuredContent as Structured;
/** The tool's own text: every answer from the sandbox starts with its label (asserted below). */
const said = (r: CallToolResult) => textOf(r).replace(`${SANDBOX_LABEL} `, "");

describe.each(NEXTCLOUD_AUTH_MODES)(`notes and files tools end-to-end on ${kind}, NEXTCLOUD_AUTH=%s`, (mode) => {
  let stack: ProvisioningStack;
  let alice: PersonClient;

  /** The person grants, on each visit, only what the calling tool needs (unticking the rest), so each area asks in turn. */
  async function provisionThrough(result: CallToolResult, person = ALICE) {
    expect(result.isError).toBe(true);
    await provision(stack, result, person);
  }

  beforeAll(async () => {
    stack = await startProvisioningStack({ NEXTCLOUD_AUTH: mode });
    alice = await new PersonClient(stack, ALICE).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await stack?.stop();
  });

  let noteId: number;
  let etag: string;

  it("with notes.read only, creating a note asks for notes.write; after granting it the call succeeds", async () => {
    const first = await alice.call("nc_notes_search", { query: "" });
    expect(textOf(first)).toMatch(/notes\.read/);
    await provisionThrough(first);
    expect((await alice.call("nc_notes_search", { query: "" })).isError).toBeFalsy();

    const refused = await alice.call("nc_notes_create", { content: "# Shopping\nmilk" });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/needs Nextcloud access with the scope notes\.write\. Your Nextcloud access does not include notes\.write yet/);
    await provisionThrough(refused);

    const mark = await markNextcloud(stack);
    const created = await alice.call("nc_notes_create", { content: "# Shopping\nmilk", category: "home" });
    expect(created.isError).toBeFalsy();
    expect(data(created)).toMatchObject({ title: "Shopping", category: "home", content: "# Shopping\nmilk" });
    noteId = data(created).id as number;
    expect(textOf(created)).toMatch(new RegExp(`Created note #${noteId} "Shopping" in home`));
    // After an exchange, the sandbox saw (bearer) a token for exactly this tool's scope, for Nextcloud, naming
    // the server as actor, or (app-password) Alice's app password and no token.
    await nextcloudSaw(stack, mark, (t) => t.method === "POST" && t.path.startsWith("/index.php/apps/notes"), { scope: ["notes.write"], user: ALICE.username });
  });

  it("search → get → update with the current etag → stale etag refused → append → delete", async () => {
    const found = await alice.call("nc_notes_search", { query: "MILK shopping", limit: 5 });
    expect((data(found).notes as Structured[]).map((n) => n.id)).toEqual([noteId]);

    const got = await alice.call("nc_notes_get", { id: noteId });
    expect(data(got)).toMatchObject({ id: noteId, content: "# Shopping\nmilk" });
    etag = data(got).etag as string;

    const updated = await alice.call("nc_notes_update", { id: noteId, content: "# Shopping\nmilk\nbread", etag });
    expect(updated.isError).toBeFalsy();
    expect(data(updated)).toMatchObject({ changed: ["content"], previous_etag: etag });
    expect(textOf(updated)).toMatch(/changed content \(15 → 21 characters\)/);

    const stale = await alice.call("nc_notes_update", { id: noteId, content: "overwritten", etag });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toMatch(/changed in Nextcloud since you read it .*nothing was changed/);
    expect(data(await alice.call("nc_notes_get", { id: noteId })).content).toBe("# Shopping\nmilk\nbread");

    const appended = await alice.call("nc_notes_append", { id: noteId, text: "eggs" });
    expect(data(appended)).toMatchObject({ content: "# Shopping\nmilk\nbread\neggs", appended_characters: 4 });

    // A read that meets one 503 is retried inside the call.
    stack.sandbox.faults.failNext({ pathPrefix: `/index.php/apps/notes/api/v1/notes/${noteId}`, method: "GET", status: 503 });
    expect((await alice.call("nc_notes_get", { id: noteId })).isError).toBeFalsy();
    expect(stack.sandbox.faults.injected).toHaveLength(1);

    const deleted = await alice.call("nc_notes_delete", { id: noteId });
    expect(textOf(deleted)).toMatch(new RegExp(`Deleted note #${noteId} "Shopping" in home \\(26 characters`));
    const gone = await alice.call("nc_notes_get", { id: noteId });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toMatch(/does not exist/);
  });

  it("files: mkdir, write, list, read, move, copy, search, delete; large reads truncate; traversal is refused", async () => {
    const first = await alice.call("nc_webdav_create_directory", { path: "/Work" });
    await provisionThrough(first);
    const made = await alice.call("nc_webdav_create_directory", { path: "/Work" });
    // An answer from the sandbox says so, in its text and in _meta.
    expect(textOf(made).startsWith(SANDBOX_LABEL)).toBe(true);
    expect(made._meta?.[SANDBOX_META_KEY]).toBe(true);
    expect(said(made)).toBe("Created the folder /Work.");
    // Listing needs files.read, which the grant does not hold yet: incremental again.
    await provisionThrough(await alice.call("nc_webdav_list_directory", { path: "/" }));

    const written = await alice.call("nc_webdav_write_file", { path: "/Work/plan.md", content: "# Plan\n" });
    expect(data(written)).toMatchObject({ path: "/Work/plan.md", created: true, bytes: 7 });
    const listed = await alice.call("nc_webdav_list_directory", { path: "Work" });
    expect((data(listed).entries as Structured[]).map((e) => e.name)).toEqual(["plan.md"]);
    expect(said(await alice.call("nc_webdav_read_file", { path: "/Work/plan.md" }))).toBe("/Work/plan.md:\n\n# Plan\n");
    // A folder read as a file is an error (Nextcloud answers it 200 with an empty body), not empty text.
    const folderRead = await alice.call("nc_webdav_read_file", { path: "/Work" });
    expect(folderRead.isError).toBe(true);
    expect(said(folderRead)).toMatch(/is a folder/);

    expect(said(await alice.call("nc_webdav_move", { source: "/Work/plan.md", destination: "/Work/plan-v1.md" }))).toBe("Moved /Work/plan.md to /Work/plan-v1.md. /Work/plan.md no longer exists.");
    expect(data(await alice.call("nc_webdav_copy", { source: "/Work/plan-v1.md", destination: "/Work/plan-v2.md" }))).toMatchObject({ replaced_existing: false });
    const blocked = await alice.call("nc_webdav_copy", { source: "/Work/plan-v1.md", destination: "/Work/plan-v2.md" });
    expect(blocked.isError).toBe(true);
    expect(textOf(blocked)).toMatch(/already exists; nothing was changed/);

    const found = await alice.call("nc_webdav_search_files", { query: "PLAN-v" });
    expect((data(found).results as Structured[]).map((r) => r.path).sort()).toEqual(["/Work/plan-v1.md", "/Work/plan-v2.md"]);

    await alice.call("nc_webdav_write_file", { path: "/Work/big.txt", content: "x".repeat(300_000) });
    const big = await alice.call("nc_webdav_read_file", { path: "/Work/big.txt", max_bytes: 1000 });
    expect(data(big)).toMatchObject({ kind: "text", truncated: true, returned_bytes: 1000, size: 300_000 });
    expect(textOf(big)).toMatch(/\[Truncated: showing the first 1000 B of 293\.0 KB/);

    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    await alice.call("nc_webdav_write_file", { path: "/Work/pixel.png", content: png.toString("base64"), encoding: "base64" });
    const image = await alice.call("nc_webdav_read_file", { path: "/Work/pixel.png" });
    expect(data(image)).toMatchObject({ kind: "binary", embedded: true, returned_bytes: png.length });
    expect(image.content[1]).toMatchObject({ type: "resource", resource: { mimeType: "image/png", blob: png.toString("base64") } });

    for (const path of ["../bob/secret.txt", "/Work/../../etc", "https://evil.example/x", "%2e%2e/x"]) {
      const refused = await alice.call("nc_webdav_read_file", { path });
      expect(refused.isError, path).toBe(true);
      expect(textOf(refused)).toMatch(/Invalid path/);
    }

    const removed = await alice.call("nc_webdav_delete", { path: "/Work" });
    expect(said(removed)).toMatch(/^Deleted the folder \/Work and everything in it/);
    expect(said(await alice.call("nc_webdav_list_directory", { path: "/" }))).toBe("/ is empty.");
  });

  it("Bob never sees Alice's notes or files", async () => {
    const mine = await alice.call("nc_notes_create", { title: "Alice private", content: "secret" });
    await alice.call("nc_webdav_write_file", { path: "/alice-only.txt", content: "secret" });
    const bob = await new PersonClient(stack, BOB).connect();
    try {
      await provisionThrough(await bob.call("nc_notes_get", { id: data(mine).id as number }), BOB);
      const peek = await bob.call("nc_notes_get", { id: data(mine).id as number });
      expect(peek.isError).toBe(true);
      expect(textOf(peek)).toMatch(/does not exist/);
      await provisionThrough(await bob.call("nc_webdav_search_files", { query: "alice" }), BOB);
      expect(data(await bob.call("nc_webdav_search_files", { query: "alice" })).results).toEqual([]);
      expect((await bob.call("nc_webdav_read_file", { path: "/alice-only.txt" })).isError).toBe(true);
    } finally {
      await bob.close();
    }
  });
});
