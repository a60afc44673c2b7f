/**
 * Flow 2 end to end, with the MCP SDK client as the client and the real app
 * (built-in IdP, provisioning pages, MCP endpoint) and the Nextcloud sandbox:
 * a tool that needs Nextcloud asks for provisioning with a link; the same
 * person opens it, consents, and the tool works on an exchanged, down-scoped,
 * short-lived token; revocation makes it ask again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeenToken } from "@/lib/sandbox/token-log";
import { ALICE, linkIn, openProvisioningLink, PersonClient, startProvisioningStack, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { testDbKind } from "../helpers/databases";

const kind = testDbKind();

// Every Nextcloud scope some tool uses: first contact asks for all of them, and one visit grants them all.
const ALL_NEXTCLOUD = offeredResourceScopes();

describe(`provisioning end to end on ${kind}`, () => {
  let stack: ProvisioningStack;
  let alice: PersonClient;

  beforeAll(async () => {
    stack = await startProvisioningStack();
    alice = await new PersonClient(stack, ALICE).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await stack?.stop();
  });

  it("lists the provisioning tools and, from the first consent on, nc_get_user_info", async () => {
    const before = (await alice.client.listTools()).tools.map((t) => t.name);
    expect(before).toEqual(expect.arrayContaining(["provision_nextcloud_access", "check_provisioning_status", "revoke_nextcloud_access"]));
    expect(before).toContain("nc_get_user_info"); // first contact asked for every tool scope
  });

  let link: string;
  it("nc_get_user_info before provisioning: the call does not run and answers with a link naming the scope", async () => {
    stack.sandbox.seen.clear();
    const result = await alice.call("nc_get_user_info");
    expect(alice.authorizations).toBe(1); // no step-up: the first consent already granted account.read
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/account\.read/);
    expect(text).toMatch(/not been provisioned/);
    link = linkIn(text)!;
    expect(link).toMatch(new RegExp(`^${stack.app.url}/oauth/authorize-nextcloud\\?request=[A-Za-z0-9_-]{24}$`));
    expect(text).toMatch(/call nc_get_user_info again/); // the model is told which tool to call again
    expect(stack.sandbox.seen.list()).toHaveLength(0); // nothing reached Nextcloud
    const status = await alice.call("check_provisioning_status");
    expect(status.structuredContent).toMatchObject({ is_provisioned: false, status: "not_provisioned" });
  });

  it("the provisioning page names the client and explains each scope", async () => {
    const html = await (await fetch(link)).text();
    expect(html).toContain("nextcloud-mcp test client");
    expect(html).toContain('data-scope="account.read"');
    expect(html).toContain("Your Nextcloud user id, display name, email, quota and groups.");
    expect(html).toMatch(/revoke_nextcloud_access/);
    expect(html).toContain('action="/oauth/authorize-nextcloud/continue"');
  });

  it("Alice opens the link, consents, and the grant is stored", async () => {
    const visit = await openProvisioningLink(link, ALICE);
    expect(visit.outcome).toBe("provisioned");
    // A new browser: the IdP signs Alice in, and asks nothing more (the provisioning page was the consent).
    expect(visit.idpSteps).toEqual(["login"]);
    expect(visit.resultPage).toContain('data-tool="nc_get_user_info"');
    expect(visit.resultPage).toContain('data-scope="account.read"');
    expect(visit.resultPage).toMatch(/revoke_nextcloud_access/);
    const status = await alice.call("check_provisioning_status");
    // One visit covers every Nextcloud scope the client holds (all ticked by default), not just the tool's.
    expect(status.structuredContent).toMatchObject({ is_provisioned: true, status: "provisioned", scopes: ALL_NEXTCLOUD, flow_type: "flow2" });
  });

  it("the link works once", async () => {
    const again = await openProvisioningLink(link, ALICE);
    expect(again.outcome).toBe("link_used");
  });

  it("nc_get_user_info now works; Nextcloud saw a token for itself, only account.read, acting for this server, short-lived", async () => {
    stack.sandbox.seen.clear();
    const result = await alice.call("nc_get_user_info");
    expect(result.isError).toBeFalsy();
    // The sandbox maps the uid as user_oidc does (preferred_username from the exchanged token, then sub).
    expect(result.structuredContent).toMatchObject({ id: "alice", display_name: ALICE.displayName, sandbox: true, quota: { total_bytes: expect.any(Number) } });
    expect(textOf(result)).toMatch(/Nextcloud sandbox/);
    const seen = (await (await fetch(`${stack.sandbox.url}/__sandbox/seen`)).json()) as { tokens: SeenToken[] };
    // The first tool call also reads which apps the Nextcloud has (capabilities), with the same down-scoped token.
    const capabilityReads = seen.tokens.filter((t) => t.path.startsWith("/ocs/v2.php/cloud/capabilities"));
    expect(capabilityReads.every((t) => t.scope.join(" ") === "account.read")).toBe(true);
    const apiCalls = seen.tokens.filter((t) => !capabilityReads.includes(t));
    expect(apiCalls).toHaveLength(1);
    const [token] = apiCalls;
    expect(token).toMatchObject({ outcome: "served", sub: stack.ids.alice, aud: "nextcloud", scope: ["account.read"], act: { sub: "mcp-server" }, client_id: "mcp-server" });
    expect(token!.lifetime).toBeGreaterThan(0);
    expect(token!.lifetime).toBeLessThanOrEqual(300);
  });

  it("provision_nextcloud_access says access is already provisioned and how to add or revoke", async () => {
    // Named explicitly: without arguments it would ask for every Nextcloud scope Alice's client holds (all tool scopes).
    const result = await alice.call("provision_nextcloud_access", { scopes: ["account.read"] });
    expect(result.structuredContent).toMatchObject({ status: "already_provisioned", granted_scopes: ALL_NEXTCLOUD, provisioning_url: null });
    expect(textOf(result)).toMatch(/revoke_nextcloud_access/);
  });

  it("revoke_nextcloud_access revokes; the next call asks for provisioning again; revoking again is a no-op", async () => {
    const revoked = await alice.call("revoke_nextcloud_access");
    expect(revoked.structuredContent).toMatchObject({ status: "revoked", revoked_scopes: ALL_NEXTCLOUD });
    stack.sandbox.seen.clear();
    const after = await alice.call("nc_get_user_info");
    expect(after.isError).toBe(true);
    expect(linkIn(textOf(after))).toBeTruthy();
    expect(stack.sandbox.seen.list()).toHaveLength(0);
    const again = await alice.call("revoke_nextcloud_access");
    expect(again.structuredContent).toMatchObject({ status: "nothing_to_revoke" });
  });
});
