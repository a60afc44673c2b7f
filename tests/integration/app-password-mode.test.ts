/**
 * NEXTCLOUD_AUTH=app-password end-to-end, with the real parts: the built app
 * (built-in IdP, MCP endpoint, provisioning pages), the MCP SDK client with
 * its own OAuth flow, and the Nextcloud sandbox (Login Flow v2, Basic auth,
 * app-password deletion).
 *
 * Only what is specific to app-password mode is here: the Login Flow v2 steps
 * of provisioning, which Nextcloud account gets linked, denial and
 * cancellation, an app password removed at Nextcloud, and revocation with
 * Nextcloud up and down. What every tool does runs in both modes in the tool
 * files (mcp-nextcloud-tools, mcp-calendar-tools, mcp-deck-sharing-tools:
 * `describe.each(NEXTCLOUD_AUTH_MODES)`, provisioning through
 * provisionThrough, and nextcloudSaw for what reached Nextcloud).
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resourceScopes } from "@/lib/auth/scopes";
import { testDbKind } from "../helpers/databases";
import { createCookieJar } from "../helpers/oidc-login";
import { ALICE, answerNextcloudLogin, BOB, browse, connectStateOf, linkIn, loginLinkIn, openProvisioningLink, outcomeOf, PersonClient, startProvisioningStack, textOf, type Person, type ProvisioningStack } from "../helpers/provisioning-stack";

const kind = testDbKind();
const ALL = resourceScopes("nextcloud").filter((s) => !s.startsWith("deck."));
type Structured = Record<string, unknown>;
const data = (r: CallToolResult) => r.structuredContent as Structured;

const stateOf = connectStateOf;
const CRON_SECRET = "cron-secret-for-the-app-password-test-0123456789";

describe(`NEXTCLOUD_AUTH=app-password on ${kind}`, () => {
  let stack: ProvisioningStack;
  let alice: PersonClient;
  let bob: PersonClient;

  /** A tool's refusal → the provisioning link → Flow 2 → Login Flow v2 page; returns the page and the person's cookies. */
  async function startConnect(refusal: CallToolResult, person: Person) {
    expect(refusal.isError, textOf(refusal)).toBe(true);
    const link = linkIn(textOf(refusal));
    expect(link, textOf(refusal)).toBeTruthy();
    const jar = createCookieJar();
    const visit = await openProvisioningLink(link!, person, { jar });
    expect(stateOf(visit.resultPage ?? ""), visit.resultPage).toBe("pending");
    return { jar, page: visit.resultPage!, connectUrl: `${stack.app.url}/oauth/connect-nextcloud` };
  }

  beforeAll(async () => {
    // The index's sync runs when the test calls the cron route (deterministic), not on a timer.
    stack = await startProvisioningStack({ NEXTCLOUD_AUTH: "app-password", BACKGROUND_JOBS: "cron", CRON_SECRET });
    alice = await new PersonClient(stack, ALICE, { scopes: ALL }).connect();
    bob = await new PersonClient(stack, BOB, { scopes: ALL }).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await stack?.stop();
  });

  it("provisioning continues with Login Flow v2: progress without JavaScript, then the connected account", async () => {
    const { jar, page, connectUrl } = await startConnect(await alice.call("nc_get_user_info"), ALICE);
    expect(page).toMatch(/<meta http-equiv="refresh" content="3"/);
    expect(page).toMatch(/target="_blank"/);
    // Not granted yet: the page polls and stays in progress.
    expect(stateOf((await browse(connectUrl, jar)).html)).toBe("pending");
    await answerNextcloudLogin(loginLinkIn(page), ALICE.username);
    const done = await browse(connectUrl, jar);
    expect(outcomeOf(done.html)).toBe("provisioned");
    expect(done.html).toMatch(new RegExp(`data-testid="nextcloud-account" data-account="${ALICE.username}"`));
    expect(stack.sandbox.loginFlows.list()).toEqual([{ userId: ALICE.username, name: expect.stringContaining("nextcloud-mcp") }]);
    // The flow is over: the cookie leads nowhere any more.
    expect(stateOf((await browse(connectUrl, jar)).html)).toBe("none");
    // The linked account is the one the calls use: Basic with Alice's app password, no bearer token at Nextcloud.
    stack.sandbox.appPasswordUses.clear();
    expect(data(await alice.call("nc_get_user_info"))).toMatchObject({ id: ALICE.username });
    expect(stack.sandbox.appPasswordUses.list()).toContainEqual(expect.objectContaining({ method: "GET", path: "/ocs/v2.php/cloud/user", loginName: ALICE.username }));
    expect(stack.sandbox.appPasswordUses.list().every((use) => use.loginName === ALICE.username)).toBe(true);
    expect(stack.sandbox.seen.list()).toEqual([]);
  });

  it("a Nextcloud account other than the expected one needs explicit confirmation: cancel deletes its app password, confirm links it", async () => {
    const before = stack.sandbox.loginFlows.list().length;
    const first = await startConnect(await bob.call("nc_get_user_info"), BOB);
    await answerNextcloudLogin(loginLinkIn(first.page), "mallory");
    const asked = await browse(first.connectUrl, first.jar);
    expect(stateOf(asked.html)).toBe("confirm");
    expect(asked.html).toMatch(/data-account="mallory"/);
    const cancelled = await browse(`${first.connectUrl}/decide`, first.jar, { method: "POST", body: new URLSearchParams({ decision: "cancel" }) });
    expect(outcomeOf(cancelled.html)).toBe("nextcloud_cancelled");
    expect(stack.sandbox.loginFlows.list()).toHaveLength(before);
    expect((await bob.call("nc_get_user_info")).isError).toBe(true);

    const second = await startConnect(await bob.call("nc_get_user_info"), BOB);
    await answerNextcloudLogin(loginLinkIn(second.page), "mallory");
    expect(stateOf((await browse(second.connectUrl, second.jar)).html)).toBe("confirm");
    // A forged cross-site post is refused.
    const forged = await browse(`${second.connectUrl}/decide`, second.jar, { method: "POST", body: new URLSearchParams({ decision: "confirm" }), origin: "https://evil.example" });
    expect(outcomeOf(forged.html)).toBe("forbidden_origin");
    const confirmed = await browse(`${second.connectUrl}/decide`, second.jar, { method: "POST", body: new URLSearchParams({ decision: "confirm" }) });
    expect(outcomeOf(confirmed.html)).toBe("provisioned");
    expect(confirmed.html).toMatch(/data-account="mallory"/);
    expect(data(await bob.call("nc_get_user_info"))).toMatchObject({ id: "mallory" });
  });

  it("denial at Nextcloud leaves the page waiting; Cancel ends it with nothing kept", async () => {
    await alice.call("revoke_nextcloud_access");
    const { jar, page, connectUrl } = await startConnect(await alice.call("nc_get_user_info"), ALICE);
    await answerNextcloudLogin(loginLinkIn(page), ALICE.username, "deny");
    expect(stateOf((await browse(connectUrl, jar)).html)).toBe("pending");
    const cancelled = await browse(`${connectUrl}/decide`, jar, { method: "POST", body: new URLSearchParams({ decision: "cancel" }) });
    expect(outcomeOf(cancelled.html)).toBe("nextcloud_cancelled");
    expect(stack.sandbox.loginFlows.list().filter((p) => p.userId === ALICE.username)).toEqual([]);
  });

  it("an app password removed at Nextcloud (Settings → Security) is refused: 401, the tool fails", async () => {
    const { jar, page, connectUrl } = await startConnect(await alice.call("nc_get_user_info"), ALICE);
    await answerNextcloudLogin(loginLinkIn(page), ALICE.username);
    expect(outcomeOf((await browse(connectUrl, jar)).html)).toBe("provisioned");
    expect((await alice.call("nc_get_user_info")).isError).toBeFalsy();
    stack.sandbox.loginFlows.revokeAllOf(ALICE.username);
    const refused = await alice.call("nc_get_user_info");
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/no longer accepts the app password of account alice \(HTTP 401/);
    // Forgotten here: the next call offers to connect Nextcloud again.
    expect(textOf(await alice.call("nc_get_user_info"))).toMatch(/not connected yet/);
    await alice.call("revoke_nextcloud_access");
  });

  it("revocation with Nextcloud up deletes the app password there; with Nextcloud down it is pending and the person is told", async () => {
    // Up: Alice again.
    const { jar, page, connectUrl } = await startConnect(await alice.call("nc_get_user_info"), ALICE);
    await answerNextcloudLogin(loginLinkIn(page), ALICE.username);
    expect(outcomeOf((await browse(connectUrl, jar)).html)).toBe("provisioned");
    const up = await alice.call("revoke_nextcloud_access");
    expect(data(up)).toMatchObject({ status: "revoked", nextcloud_app_password: "deleted" });
    expect(stack.sandbox.loginFlows.list().filter((p) => p.userId === ALICE.username)).toEqual([]);

    // Down: Bob's (mallory) app password, Nextcloud answering 503 to the deletion.
    stack.sandbox.faults.failNext({ pathPrefix: "/ocs/v2.php/core/apppassword", method: "DELETE", status: 503, count: 5 });
    const down = await bob.call("revoke_nextcloud_access");
    stack.sandbox.faults.clear();
    expect(data(down)).toMatchObject({ status: "revoked", nextcloud_app_password: "pending" });
    expect(textOf(down)).toMatch(/Settings → Security/);
    expect(stack.sandbox.loginFlows.list().filter((p) => p.userId === "mallory")).toHaveLength(1);
    // Revoked here all the same: the next call asks for provisioning again.
    expect(linkIn(textOf(await bob.call("nc_get_user_info")))).toBeTruthy();
  });

  it("the sandbox answers Basic with an unknown or revoked app password with 401", async () => {
    const basic = `Basic ${Buffer.from("alice:not-an-app-password").toString("base64")}`;
    const res = await fetch(`${stack.sandbox.url}/index.php/apps/notes/api/v1/notes`, { headers: { authorization: basic } });
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });

  describe("background sync with the app password (the typed background path, issue 14)", () => {
    type Status = { enabled: boolean; sources: { source: string; items: number; last_sync: string | null; next_sync: string | null; last_error: string | null }[] };
    const cron = async () => {
      const res = await fetch(`${stack.app.url}/api/cron/sync`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
      expect(res.status).toBe(200);
      const summary = (await res.json()) as { ran: number; failed: number; skipped?: string };
      // Each cron call releases the runner lease when done, so the next one runs (run-cron-tick.ts).
      expect(summary.skipped).toBeUndefined();
      return summary;
    };
    const status = async () => data(await alice.call("nc_search_status")) as unknown as Status;
    const notesOf = (s: Status) => s.sources.find((x) => x.source === "notes")!;
    const search = async (query: string) => {
      const result = await alice.call("nc_search", { query });
      expect(result.isError, textOf(result)).toBeFalsy();
      return (data(result) as { hits: { source: string; id: string; title: string }[] }).hits;
    };
    async function connectAlice() {
      const { jar, page, connectUrl } = await startConnect(await alice.call("nc_get_user_info"), ALICE);
      await answerNextcloudLogin(loginLinkIn(page), ALICE.username);
      expect(outcomeOf((await browse(connectUrl, jar)).html)).toBe("provisioned");
    }

    it("a sync job sends the app password (Basic, never a bearer token), nc_search finds the note; revocation deletes the index and the jobs", async () => {
      await connectAlice();
      const note = data(await alice.call("nc_notes_create", { title: "Porto itinerary", content: "Ribeira, then the Douro valley by train." }));
      stack.sandbox.seen.clear();
      const tick = await cron();
      expect(tick.failed).toBe(0);
      expect(tick.ran).toBeGreaterThanOrEqual(1);
      // The sandbox records every bearer token it accepts: the jobs sent none (Basic with the app password).
      expect(stack.sandbox.seen.list()).toEqual([]);
      expect(notesOf(await status())).toMatchObject({ items: expect.any(Number), last_error: null });
      expect(notesOf(await status()).last_sync).not.toBeNull();
      const hits = await search("douro valley");
      expect(hits.map((h) => `${h.source}:${h.id}`)).toContain(`notes:${note.id}`);

      const revoked = data(await alice.call("revoke_nextcloud_access"));
      expect(revoked).toMatchObject({ status: "revoked" });
      // Jobs and rows are gone: no source has an item, a last sync or a next run.
      const after = await status();
      expect(after.sources.length).toBeGreaterThan(0);
      for (const s of after.sources) expect(s).toMatchObject({ items: 0, last_sync: null, next_sync: null });
      expect(await cron()).toMatchObject({ ran: 0, failed: 0 });
    });

    it("an app password removed at Nextcloud stops the jobs: the run is refused (401), the password forgotten, the source's rows dropped", async () => {
      await connectAlice();
      await alice.call("nc_notes_create", { title: "Faro", content: "Beaches and the old town." });
      expect((await cron()).failed).toBe(0);
      expect(notesOf(await status()).items).toBeGreaterThan(0);
      stack.sandbox.loginFlows.revokeAllOf(ALICE.username);
      // Verify on read: Nextcloud refuses the check, the hit is dropped and the notes job made due again.
      const refused = data(await alice.call("nc_search", { query: "faro" })) as { hits: unknown[]; dropped: number };
      expect(refused).toMatchObject({ hits: [], dropped: 1 });
      const tick = await cron();
      expect(tick).toMatchObject({ ran: 1, failed: 1 });
      expect(notesOf(await status()).last_error).toMatch(/no longer accepts the app password of account alice/);
      expect(notesOf(await status()).items).toBe(0);
      // Forgotten here: the next tool call asks to connect the Nextcloud account again, and no job runs meanwhile.
      expect(textOf(await alice.call("nc_get_user_info"))).toMatch(/not connected yet/);
      expect(await cron()).toMatchObject({ ran: 0 });
      await alice.call("revoke_nextcloud_access");
    });
  });
});
