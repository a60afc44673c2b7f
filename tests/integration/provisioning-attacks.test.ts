/**
 * Flow 2 under attack: every way a provisioning can go wrong ends on a
 * readable page and stores nothing — another account completing the link,
 * a replayed or expired state, a tampered or cross-site request, a forged
 * callback, a denied consent, an IdP error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, db } from "@/lib/db";
import { testDbKind } from "../helpers/databases";
import { startAppOnPort } from "../helpers/idp-app";
import { idpEnv, SERVER_CLIENT_SECRET } from "../helpers/idp-app";
import { createCookieJar } from "../helpers/oidc-login";
import { ALICE, BOB, browse, linkIn, openProvisioningLink, outcomeOf, PersonClient, startProvisioningStack, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";

const kind = testDbKind();

describe(`provisioning attacks on ${kind}`, () => {
  let stack: ProvisioningStack;
  let alice: PersonClient;
  let bob: PersonClient;

  async function freshLink(): Promise<string> {
    const result = await alice.call("provision_nextcloud_access", { scopes: ["account.read"] });
    const url = (result.structuredContent as { provisioning_url: string | null }).provisioning_url;
    expect(url).toBeTruthy();
    return url!;
  }
  /** The provisioning page's Continue button, as a form post: answers 303 to the IdP's authorization URL. */
  const continueFrom = (link: string) =>
    fetch(`${stack.app.url}/oauth/authorize-nextcloud/continue`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: stack.app.url },
      body: new URLSearchParams({ request: new URL(link).searchParams.get("request")! }),
      redirect: "manual",
    });
  const statusOf = async (client: PersonClient) => (await client.call("check_provisioning_status")).structuredContent as { is_provisioned: boolean; status: string };

  beforeAll(async () => {
    stack = await startProvisioningStack();
    // Alice's client may not change files (unticked on its consent page): files.write is never offered on her links.
    alice = await new PersonClient(stack, ALICE, { untick: ["files.write"] }).connect();
    bob = await new PersonClient(stack, BOB).connect();
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await stack?.stop();
  });

  it("Bob, signed in at the IdP, opens Alice's link: refused, explained, nothing stored for either", async () => {
    const link = await freshLink();
    const visit = await openProvisioningLink(link, BOB);
    expect(visit.outcome).toBe("wrong_account");
    expect(visit.resultPage).toMatch(/belongs to another account/);
    expect(await statusOf(alice)).toMatchObject({ is_provisioned: false });
    expect(await statusOf(bob)).toMatchObject({ is_provisioned: false });
    // Bob's refused consent left no usable Nextcloud grant at the IdP either: his own tool call is refused.
    const bobCall = await bob.call("nc_get_user_info");
    expect(bobCall.isError).toBe(true);
    expect(linkIn(textOf(bobCall))).toBeTruthy();
    // And at the IdP: the refresh token issued for Bob's consent was revoked with its grant, so the
    // IdP refuses to exchange Bob's (now account.read) MCP token for Nextcloud.
    const exchange = await fetch(`${stack.app.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`mcp-server:${SERVER_CLIENT_SECRET}`).toString("base64")}` },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: bob.provider.tokens()!.access_token,
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        audience: "nextcloud",
        scope: "account.read",
      }),
    });
    expect(exchange.status).toBe(400);
    expect(await exchange.json()).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/provision/) });
  });

  it("a tampered request value: readable page on view and on Continue, nothing consumed", async () => {
    const link = await freshLink();
    const url = new URL(link);
    const value = url.searchParams.get("request")!;
    url.searchParams.set("request", value.slice(0, -6) + (value.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA"));
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-reason="invalid"');
    expect(html).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const visit = await openProvisioningLink(url.href, ALICE);
    expect(visit.outcome).toBe("link_invalid");
    // The genuine link still works afterwards (and completes for Alice).
    expect((await openProvisioningLink(link, ALICE)).outcome).toBe("provisioned");
    await alice.call("revoke_nextcloud_access");
  });

  it("a cross-site Continue is refused and does not use the link up", async () => {
    const link = await freshLink();
    const foreign = await openProvisioningLink(link, ALICE, { origin: "https://evil.example" });
    expect(foreign.outcome).toBe("forbidden_origin");
    const html = await (await fetch(link)).text();
    expect(html).not.toContain("data-reason");
  });

  it("denied at the IdP: readable page, nothing stored", async () => {
    // Alice is not asked a second time (the provisioning page is her consent), so a denial reaches the
    // callback only as the IdP's access_denied answer (RFC 6749 §4.1.2.1), e.g. a cancelled sign-in.
    const continued = await continueFrom(await freshLink());
    const state = new URL(continued.headers.get("location")!).searchParams.get("state")!;
    const page = await browse(`${stack.app.url}/oauth/callback-nextcloud?error=access_denied&state=${encodeURIComponent(state)}`, createCookieJar());
    expect(outcomeOf(page.html)).toBe("denied");
    expect(await statusOf(alice)).toMatchObject({ is_provisioned: false });
    // Bob, shown the IdP's consent for Alice's link, can deny it there: nothing stored for either.
    const bobVisit = await openProvisioningLink(await freshLink(), BOB, { consent: "deny" });
    expect(bobVisit.idpSteps).toEqual(["login", "consent"]);
    expect(bobVisit.outcome).toBe("denied");
    expect(await statusOf(alice)).toMatchObject({ is_provisioned: false });
    expect(await statusOf(bob)).toMatchObject({ is_provisioned: false });
  });

  it("the IdP skips its consent only for a Continue of this very person: a hand-made request for this server's client gets the consent screen", async () => {
    const continued = await continueFrom(await freshLink());
    const genuine = new URL(continued.headers.get("location")!);
    // Same client, redirect URI, scopes and resource, but a state no Continue produced.
    const forged = new URL(genuine);
    forged.searchParams.set("state", "a-state-value-that-no-provisioning-session-has");
    const jar = createCookieJar();
    const { authorizeWithLogin } = await import("../helpers/oidc-login");
    const crafted = await authorizeWithLogin({ authorizationUrl: forged, username: ALICE.username, password: ALICE.password, consent: "deny", jar });
    expect(crafted.steps).toEqual(["login", "consent"]);
    expect(crafted.error).toBe("access_denied");
    // More scopes than the person chose on the page: consent screen too.
    const wider = new URL(genuine);
    wider.searchParams.set("scope", `${genuine.searchParams.get("scope")} files.write`);
    const widened = await authorizeWithLogin({ authorizationUrl: wider, username: ALICE.username, password: ALICE.password, consent: "deny", jar });
    expect(widened.steps).toEqual(["consent"]);
    // The genuine request, in the same (signed-in) browser: no screen at all, straight back with a code.
    const straight = await authorizeWithLogin({ authorizationUrl: genuine, username: ALICE.username, password: ALICE.password, jar });
    expect(straight.steps).toEqual([]);
    expect(straight.code).toBeTruthy();
    expect(outcomeOf((await browse(straight.redirectUrl, jar)).html)).toBe("provisioned");
    await alice.call("revoke_nextcloud_access");
  });

  it("a third-party (registered) client never gets the first-party shortcut, even with a pending provisioning state", async () => {
    const continued = await continueFrom(await freshLink());
    const state = new URL(continued.headers.get("location")!).searchParams.get("state")!;
    const { register, relyingParty, authorizationRequest } = await import("../helpers/idp-app");
    const redirect = "http://127.0.0.1:7782/cb";
    const clientId = (await register(stack.app, { client_name: "Third Party", redirect_uris: [redirect], token_endpoint_auth_method: "none" })).body.client_id as string;
    const request = await authorizationRequest(await relyingParty(stack.app, clientId), { redirect_uri: redirect, scope: "openid account.read", resource: `${stack.app.url}/api/mcp`, state });
    const { authorizeWithLogin } = await import("../helpers/oidc-login");
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password, consent: "deny" });
    expect(result.steps).toEqual(["login", "consent"]);
  });

  it("a forged scope in the Continue form is ignored: only offered scopes reach the IdP", async () => {
    const asked = await alice.call("provision_nextcloud_access", { scopes: ["account.read"] });
    const link = (asked.structuredContent as { provisioning_url: string }).provisioning_url;
    const page = await (await fetch(link)).text();
    const posted = await fetch(`${stack.app.url}/oauth/authorize-nextcloud/continue`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: stack.app.url },
      body: new URLSearchParams([["request", new URL(link).searchParams.get("request")!], ["scope", "tables.write"], ["scope", "files.write"]]),
      redirect: "manual",
    });
    expect(page).toContain('data-scope="account.read"');
    const scopes = new URL(posted.headers.get("location")!).searchParams.get("scope")!.split(" ");
    expect(scopes).toContain("account.read");
    expect(scopes).not.toContain("tables.write");
    expect(scopes).not.toContain("files.write");
  });

  it("a replayed callback is refused and changes nothing; a forged state too", async () => {
    const visit = await openProvisioningLink(await freshLink(), ALICE);
    expect(visit.outcome).toBe("provisioned");
    await alice.call("revoke_nextcloud_access");
    const replay = await browse(visit.callbackUrl!, createCookieJar());
    expect(outcomeOf(replay.html)).toBe("state_used");
    expect(await statusOf(alice)).toMatchObject({ is_provisioned: false });
    const forged = new URL(visit.callbackUrl!);
    forged.searchParams.set("state", "made-up-state-value");
    expect(outcomeOf((await browse(forged.href, createCookieJar())).html)).toBe("state_unknown");
    const noState = await browse(`${stack.app.url}/oauth/callback-nextcloud?code=x`, createCookieJar());
    expect(outcomeOf(noState.html)).toBe("state_unknown");
  });

  it("an IdP error answer with a valid state ends on a readable page", async () => {
    // Stop at the IdP's consent: take the state from the authorization URL the Continue step produced.
    const link = await freshLink();
    const continued = await continueFrom(link);
    expect(continued.status).toBe(303);
    const authorize = new URL(continued.headers.get("location")!);
    expect(authorize.pathname).toBe("/api/oidc/auth");
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("prompt")).toBe("consent");
    expect(authorize.searchParams.get("scope")!.split(" ")).toEqual(expect.arrayContaining(["openid", "offline_access", "account.read"]));
    expect(authorize.searchParams.get("resource")).toBe("urn:nextcloud-mcp:resource:nextcloud");
    const state = authorize.searchParams.get("state")!;
    const page = await browse(`${stack.app.url}/oauth/callback-nextcloud?error=server_error&state=${encodeURIComponent(state)}`, createCookieJar());
    expect(outcomeOf(page.html)).toBe("idp_error");
    expect(page.html).toContain("server_error");
  });

  it("an expired state is refused and stores nothing", async () => {
    const link = await freshLink();
    const continued = await continueFrom(link);
    const authorize = new URL(continued.headers.get("location")!);
    const jar = createCookieJar();
    const { authorizeWithLogin } = await import("../helpers/oidc-login");
    const authorized = await authorizeWithLogin({ authorizationUrl: authorize, username: ALICE.username, password: ALICE.password, jar });
    expect(authorized.code).toBeTruthy();
    // Age the provisioning session past its expiry (the app is stopped meanwhile: PGlite admits one process).
    await stack.app.stop();
    Object.assign(process.env, stack.database.env);
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
    const prisma = await db();
    const { count } = await prisma.provisioningSession.updateMany({ where: { consumedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(count).toBeGreaterThan(0);
    await closeDatabase();
    stack.app = await startAppOnPort(idpEnv(stack.database, { SANDBOX_PORT: new URL(stack.sandbox.url).port }), stack.app.port);
    const page = await browse(authorized.redirectUrl, jar);
    expect(outcomeOf(page.html)).toBe("state_expired");
    expect(await statusOf(alice)).toMatchObject({ is_provisioned: false });
  });
});
