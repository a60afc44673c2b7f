/**
 * One provisioning visit covers the client's scopes: a client whose token
 * holds notes and files scopes calls a notes tool, gets one link, the person
 * opens it in the browser they are signed in with (one page, then straight
 * back with a result: the IdP asks nothing more), and afterwards every notes
 * and files tool works with no further visit. Unticking a scope on the page
 * leaves it out. Exchanged tokens carry the identity claims Nextcloud maps
 * the account from.
 */
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { testDbKind } from "../helpers/databases";
import { exchangeForNextcloud } from "../helpers/idp-app";
import { createCookieJar } from "../helpers/oidc-login";
import { ALICE, BOB, browse, linkIn, openProvisioningLink, outcomeOf, PersonClient, startProvisioningStack, textOf, tickedScopes, type ProvisioningStack } from "../helpers/provisioning-stack";

const kind = testDbKind();
const NOTES_AND_FILES = ["notes.read", "notes.write", "files.read", "files.write"];
// The person lets these clients do notes and files only: everything else offered is unticked on the consent page.
const OTHERS = offeredResourceScopes().filter((s) => !NOTES_AND_FILES.includes(s));

describe(`one provisioning visit on ${kind}`, () => {
  let stack: ProvisioningStack;
  let alice: PersonClient;
  let bob: PersonClient;

  beforeAll(async () => {
    stack = await startProvisioningStack();
    alice = await new PersonClient(stack, ALICE, { scopes: NOTES_AND_FILES, untick: OTHERS }).connect();
    bob = await new PersonClient(stack, BOB, { scopes: NOTES_AND_FILES, untick: OTHERS }).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await stack?.stop();
  });

  it("provision_nextcloud_access without arguments offers the same set: every Nextcloud scope the token holds, none fixed", async () => {
    const asked = await alice.call("provision_nextcloud_access");
    expect(asked.structuredContent).toMatchObject({ status: "link_created", granted_scopes: [] });
    const structured = asked.structuredContent as { requested_scopes: string[]; provisioning_url: string };
    expect([...structured.requested_scopes].sort()).toEqual([...NOTES_AND_FILES].sort());
    expect(structured.provisioning_url).toMatch(/\?request=[A-Za-z0-9_-]{24}$/);
    const page = await (await fetch(structured.provisioning_url)).text();
    expect(page).not.toContain('data-needed="true"');
    expect(tickedScopes(page).sort()).toEqual([...NOTES_AND_FILES].sort());
    // Everything unticked: nothing is asked for, and the link is not used up.
    const continued = await fetch(`${stack.app.url}/oauth/authorize-nextcloud/continue`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: stack.app.url },
      body: new URLSearchParams({ request: new URL(structured.provisioning_url).searchParams.get("request")! }),
      redirect: "manual",
    });
    expect(continued.status).toBe(303);
    expect(outcomeOf((await browse(new URL(continued.headers.get("location")!, stack.app.url).href, createCookieJar())).html)).toBe("nothing_chosen");
    expect(await (await fetch(structured.provisioning_url)).text()).not.toContain("data-reason");
  });

  let link: string;
  it("the first notes call answers with one short link naming the tool to call again", async () => {
    const listed = (await alice.client.listTools()).tools.map((t) => t.name);
    expect(listed).toEqual(expect.arrayContaining(["nc_notes_search", "nc_notes_create", "nc_webdav_write_file", "nc_webdav_read_file"]));
    const result = await alice.call("nc_notes_search", { query: "" });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    link = linkIn(text)!;
    expect(link).toMatch(/\/oauth\/authorize-nextcloud\?request=[A-Za-z0-9_-]{24}$/);
    expect(link.length).toBeLessThan(stack.app.url.length + 70);
    expect(text).toMatch(/call nc_notes_search again/);
  });

  it("the page offers every Nextcloud scope the token holds: the tool's scope needed, the others ticked", async () => {
    const page = await (await fetch(link)).text();
    const choice = (scope: string) => new RegExp(`<li[^>]*data-scope="${scope.replace(".", "\\.")}"[^>]*>`).exec(page)?.[0];
    expect(choice("notes.read")).toContain('data-needed="true"');
    for (const scope of ["notes.write", "files.read", "files.write"]) expect(choice(scope)).toContain('data-needed="false"');
    expect(choice("deck.read")).toBeUndefined(); // not held by the token: not offered
    expect(tickedScopes(page).sort()).toEqual(["files.read", "files.write", "notes.write"]); // needed: ticked but fixed
  });

  it("one page, then straight back: the signed-in person sees no IdP screen, and the result names the tool", async () => {
    const authorizationsBefore = alice.authorizations;
    // The browser Alice signed in with for her client (the same IdP session).
    const visit = await openProvisioningLink(link, ALICE, { jar: alice.jar });
    expect(visit.outcome).toBe("provisioned");
    expect(visit.idpSteps).toEqual([]); // screens: the provisioning page, then the result page
    expect(visit.resultPage).toContain('data-tool="nc_notes_search"');
    expect(alice.authorizations).toBe(authorizationsBefore);
    const status = await alice.call("check_provisioning_status");
    expect((status.structuredContent as { scopes: string[] }).scopes.sort()).toEqual([...NOTES_AND_FILES].sort());
  });

  it("afterwards notes and files tools all work, with no further browser visit", async () => {
    const authorizationsBefore = alice.authorizations;
    const created = await alice.call("nc_notes_create", { title: "One visit", content: "covers every tool" });
    expect(created.isError, textOf(created)).toBeFalsy();
    const found = await alice.call("nc_notes_search", { query: "covers" });
    expect(found.isError, textOf(found)).toBeFalsy();
    expect((found.structuredContent as { total_matches: number }).total_matches).toBeGreaterThanOrEqual(1);
    const written = await alice.call("nc_webdav_write_file", { path: "/one-visit.txt", content: "hello" });
    expect(written.isError, textOf(written)).toBeFalsy();
    const read = await alice.call("nc_webdav_read_file", { path: "/one-visit.txt" });
    expect(read.isError, textOf(read)).toBeFalsy();
    expect(read.structuredContent).toMatchObject({ kind: "text", text: "hello" });
    expect(alice.authorizations).toBe(authorizationsBefore);
  });

  it("exchanged Nextcloud tokens carry preferred_username and name (the grant holds profile); no email the account does not have", async () => {
    const exchange = await exchangeForNextcloud(stack.app.url, alice.provider.tokens()!.access_token, "notes.read");
    expect(exchange.status).toBe(200);
    const claims = decodeJwt(((await exchange.json()) as { access_token: string }).access_token);
    expect(claims).toMatchObject({ sub: stack.ids.alice, aud: "nextcloud", preferred_username: ALICE.username, name: ALICE.displayName, scope: "notes.read" });
    expect(claims).not.toHaveProperty("email");
  });

  it("a scope the person unticks is not granted: its tools ask again, the others work", async () => {
    const result = await bob.call("nc_notes_create", { title: "x" });
    const bobLink = linkIn(textOf(result))!;
    const visit = await openProvisioningLink(bobLink, BOB, { jar: bob.jar, untick: ["files.write"] });
    expect(visit.outcome).toBe("provisioned");
    expect(visit.idpSteps).toEqual([]);
    const status = await bob.call("check_provisioning_status");
    expect((status.structuredContent as { scopes: string[] }).scopes.sort()).toEqual(["files.read", "notes.read", "notes.write"]);
    expect((await bob.call("nc_webdav_list_directory", { path: "/" })).isError).toBeFalsy();
    const write = await bob.call("nc_webdav_write_file", { path: "/nope.txt", content: "x" });
    expect(write.isError).toBe(true);
    expect(linkIn(textOf(write))).toBeTruthy();
  });
});
