/**
 * The model path: what a person and their AI client live through, with the
 * MCP SDK client as the client and Chromium as the person's browser.
 *
 * Rules of this suite (issue 12): the client only calls tools that the latest
 * tools/list returned; every browser step is a click in Chromium; the client
 * never handles a 403 step-up (it never needs to); the screens on which the
 * person had to decide something are counted.
 *
 * Story: connect (sign-in + one consent) → notes and files tools listed →
 * first call → provisioning link in the tool result → one provisioning visit →
 * notes create/search/get/update and file write/read work with no further
 * visit, also after the access token expired (refresh, no browser). A person
 * who unticked `files.write` never sees or gets the file-changing tools.
 */
import type { Browser } from "playwright-core";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { BrowserPerson, launchChromium, provisioningLinkIn, resultText } from "../helpers/browser-person";
import { ALICE, BOB, startProvisioningStack, type ProvisioningStack } from "../helpers/provisioning-stack";

// Short-lived access tokens so that the suite can watch one expire (the verifier checks exp with no leeway).
const ACCESS_TOKEN_TTL = 10;

const NOTES_TOOLS = ["nc_notes_search", "nc_notes_get", "nc_notes_create", "nc_notes_update", "nc_notes_append", "nc_notes_delete"];
const FILE_READ_TOOLS = ["nc_webdav_list_directory", "nc_webdav_read_file", "nc_webdav_search_files"];
const FILE_WRITE_TOOLS = ["nc_webdav_write_file", "nc_webdav_create_directory", "nc_webdav_delete", "nc_webdav_move", "nc_webdav_copy"];

describe("model path: a real client and a person at a browser", () => {
  let stack: ProvisioningStack;
  let browser: Browser;
  let alice: BrowserPerson;
  let bob: BrowserPerson;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startProvisioningStack({ ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL) }), launchChromium()]);
    alice = await BrowserPerson.open(browser, `${stack.app.url}/api/mcp`, ALICE);
    bob = await BrowserPerson.open(browser, `${stack.app.url}/api/mcp`, BOB);
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    await stack?.stop();
  });

  it("first contact: the client asks for every tool scope and offline_access; one sign-in, one consent", async () => {
    await alice.connect();
    expect(alice.screens).toEqual(["sign-in", "consent"]);
    expect(alice.provider.authorizationRequests).toHaveLength(1);
    const requested = alice.provider.authorizationRequests[0]!.searchParams.get("scope")!.split(" ");
    expect(requested.sort()).toEqual(["openid", "offline_access", ...offeredResourceScopes()].sort());
    // Only scopes some tool uses are offered; every app with tools is among them (Deck and sharing too).
    expect(requested).toEqual(expect.arrayContaining(["deck.read", "deck.write", "files.share"]));
    expect(alice.provider.tokens()?.refresh_token).toBeTruthy();
  });

  it("tools/list shows the notes and files tools, each naming the access it uses", async () => {
    const names = await alice.listTools();
    expect(names).toEqual(expect.arrayContaining([...NOTES_TOOLS, ...FILE_READ_TOOLS, ...FILE_WRITE_TOOLS, "nc_get_user_info"]));
    expect(alice.tool("nc_notes_create")!.description).toMatch(/notes\.write/);
    expect(alice.tool("nc_webdav_read_file")!.description).toMatch(/files\.read/);
  });

  let link: string;
  it("the first Nextcloud call answers with a short provisioning link and says which tool to call again", async () => {
    const first = await alice.callListed("nc_notes_create", { title: "Trip to Lisbon", content: "Book the train." });
    expect(first.isError).toBe(true);
    const text = resultText(first);
    link = provisioningLinkIn(text)!;
    expect(link).toBeDefined();
    expect(link.length).toBeLessThan(`${stack.app.url}/oauth/authorize-nextcloud?request=`.length + 40);
    expect(text).toContain("nc_notes_create");
    expect(stack.sandbox.seen.list()).toHaveLength(0);
  });

  it("one provisioning visit: no sign-in (same browser), no second consent, result names the tool", async () => {
    const visit = await alice.provision(link);
    expect(visit.outcome).toBe("provisioned");
    expect(visit.text).toContain("nc_notes_create");
    expect(alice.screens).toEqual(["sign-in", "consent", "provisioning"]);
  });

  let noteId: number;
  it("every listed notes and files tool now works with no further browser visit", async () => {
    const created = await alice.callListed("nc_notes_create", { title: "Trip to Lisbon", content: "Book the train.", category: "travel" });
    expect(created.isError, resultText(created)).toBeFalsy();
    noteId = (created.structuredContent as { id: number }).id;

    const found = await alice.callListed("nc_notes_search", { query: "Lisbon" });
    expect(found.isError, resultText(found)).toBeFalsy();
    expect((found.structuredContent as { notes: { id: number }[] }).notes.map((n) => n.id)).toContain(noteId);

    const got = await alice.callListed("nc_notes_get", { id: noteId });
    expect(got.isError, resultText(got)).toBeFalsy();
    const etag = (got.structuredContent as { etag: string }).etag;

    const updated = await alice.callListed("nc_notes_update", { id: noteId, content: "Book the train. Pack light.", etag });
    expect(updated.isError, resultText(updated)).toBeFalsy();

    const folder = await alice.callListed("nc_webdav_create_directory", { path: "/Travel" });
    expect(folder.isError, resultText(folder)).toBeFalsy();
    const written = await alice.callListed("nc_webdav_write_file", { path: "/Travel/lisbon.md", content: "# Lisbon\n" });
    expect(written.isError, resultText(written)).toBeFalsy();
    const read = await alice.callListed("nc_webdav_read_file", { path: "/Travel/lisbon.md" });
    expect(read.isError, resultText(read)).toBeFalsy();
    expect((read.structuredContent as { text: string }).text).toBe("# Lisbon\n");

    const me = await alice.callListed("nc_get_user_info");
    expect(me.isError, resultText(me)).toBeFalsy();

    expect(alice.screens).toEqual(["sign-in", "consent", "provisioning"]);
    expect(alice.provider.authorizationRequests).toHaveLength(1); // never stepped up, never sent back to the browser
  });

  it("a person who unticks files.write never sees or gets the file-changing tools", async () => {
    await bob.connect({ untick: ["files.write"] });
    expect(bob.screens).toEqual(["sign-in", "consent"]);
    const token = decodeJwt(bob.provider.tokens()!.access_token);
    const scopes = String(token.scope).split(" ");
    expect(scopes).toEqual(expect.arrayContaining(["notes.read", "files.read"]));
    expect(scopes).not.toContain("files.write");

    const names = await bob.listTools();
    expect(names).toEqual(expect.arrayContaining(FILE_READ_TOOLS));
    for (const tool of FILE_WRITE_TOOLS) expect(names).not.toContain(tool);

    const first = await bob.callListed("nc_webdav_list_directory", { path: "/" });
    expect(first.isError).toBe(true);
    const visit = await bob.provision(provisioningLinkIn(resultText(first))!);
    expect(visit.outcome).toBe("provisioned");
    expect(visit.text).not.toMatch(/files\.write/);
    const listed = await bob.callListed("nc_webdav_list_directory", { path: "/" });
    expect(listed.isError, resultText(listed)).toBeFalsy();
    expect(bob.screens).toEqual(["sign-in", "consent", "provisioning"]);
  });

  it("after the access token expired the client refreshes and keeps working, with no browser", async () => {
    const { exp } = decodeJwt(alice.provider.tokens()!.access_token);
    const expiredAt = (exp! + 1) * 1000;
    // Poll the clock rather than sleeping a fixed time: the earlier steps used up part of the lifetime.
    while (Date.now() < expiredAt) await new Promise((r) => setTimeout(r, Math.min(1000, expiredAt - Date.now())));
    const before = alice.provider.tokens()!.access_token;

    const got = await alice.callListed("nc_notes_get", { id: noteId });
    expect(got.isError, resultText(got)).toBeFalsy();
    expect(alice.provider.tokens()!.access_token).not.toBe(before);
    expect(alice.provider.authorizationRequests).toHaveLength(1);
    expect(alice.screens).toEqual(["sign-in", "consent", "provisioning"]);
  });

  it("narrowing the client on the dashboard hides its write tools on its very next request", async () => {
    await alice.narrowOnDashboard(stack.app.url, ["notes.write"]);
    const names = await alice.listTools();
    for (const tool of ["nc_notes_create", "nc_notes_update", "nc_notes_append", "nc_notes_delete"]) expect(names).not.toContain(tool);
    expect(names).toEqual(expect.arrayContaining(["nc_notes_search", "nc_notes_get", ...FILE_WRITE_TOOLS]));
    const got = await alice.callListed("nc_notes_get", { id: noteId });
    expect(got.isError, resultText(got)).toBeFalsy();
    expect(alice.screens).toEqual(["sign-in", "consent", "provisioning"]);
  });
});
