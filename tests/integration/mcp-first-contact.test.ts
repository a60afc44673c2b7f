/**
 * First contact as a real MCP client makes it (issue 12): the SDK client
 * starts from the 401, follows MCP 2025-11-25 scope selection, registers,
 * and the person answers the built-in IdP's consent page, keeping or
 * unticking choices. What the token, the IdP grant (seen through a refresh
 * and a second authorization) and tools/list then hold is asserted; a forged
 * consent form is refused.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { ALICE, BOB, idpEnv, seedAccounts, startApp } from "../helpers/idp-app";
import { newTransport, postMcp, rpc, TestOAuthProvider } from "../helpers/mcp-client";
import { authorizeWithLogin, createCookieJar, type AuthorizeResult } from "../helpers/oidc-login";
import { offeredFirstContactScopes, offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";

const kind = testDbKind();
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { scope?: string; client_id: string };
const toolsNeeding = (scope: string) => TOOL_CATALOGUE.filter((t) => t.requiredScopes.includes(scope)).map((t) => t.name);

interface Connected {
  client: Client;
  provider: TestOAuthProvider;
  consent: AuthorizeResult;
}

/** The SDK client connects; the person signs in and answers consent (unticking `untick`). */
async function connect(mcpUrl: string, person: typeof ALICE, untick: string[] = [], requestScope?: string): Promise<Connected> {
  const provider = new TestOAuthProvider({ clientName: `First contact ${untick.join(",") || "all"}` });
  provider.narrowNextRequest = requestScope;
  const client = new Client({ name: "first-contact", version: "1.0.0" });
  const first = newTransport(mcpUrl, provider);
  await expect(client.connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const consent = await authorizeWithLogin({ authorizationUrl: provider.lastAuthorizationUrl!, username: person.username, password: person.password, untick, jar: createCookieJar() });
  if (!consent.code) throw new Error(`authorization failed: ${consent.error ?? consent.loginError}`);
  await first.finishAuth(consent.code);
  await client.connect(newTransport(mcpUrl, provider));
  return { client, provider, consent };
}

describe(`first contact with the built-in IdP (${kind})`, () => {
  let database: TestDatabase;
  let app: AppServer;
  let mcpUrl: string;

  const refresh = async (provider: TestOAuthProvider) => {
    const clientId = (provider.clientInformation() as { client_id: string }).client_id;
    const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: provider.tokens()!.refresh_token!, client_id: clientId, resource: mcpUrl });
    const res = await fetch(`${app.url}/api/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect(res.status).toBe(200);
    return (await res.json()) as { access_token: string; refresh_token?: string };
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE, BOB]);
    app = await startApp(idpEnv(database, { NODE_ENV: "test" }));
    mcpUrl = `${app.url}/api/mcp`;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it("from the 401 on, the SDK client requests every tool scope + openid offline_access, gets a refresh token, and lists the notes and files tools", async () => {
    const challenge = await postMcp(mcpUrl, rpc("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } }));
    expect(challenge.status).toBe(401);
    const metadata = (await (await fetch(`${app.url}/.well-known/oauth-protected-resource/api/mcp`)).json()) as { scopes_supported: string[] };
    expect(metadata.scopes_supported).toEqual(offeredFirstContactScopes());

    const { client, provider, consent } = await connect(mcpUrl, ALICE);
    const requested = provider.authorizationRequests[0]!.searchParams.get("scope")!.split(" ");
    expect(requested).toEqual(expect.arrayContaining(["openid", "offline_access", ...offeredResourceScopes()]));
    expect(requested).toEqual(expect.arrayContaining(["deck.read", "files.share"]));
    // The consent page offered each tool scope and "stay connected", all ticked; openid is not a choice.
    expect(consent.steps).toEqual(["login", "consent"]);
    expect(consent.consentChoices).toEqual(Object.fromEntries([...offeredResourceScopes(), "offline_access"].map((s) => [s, true])));

    const tokens = provider.tokens()!;
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(claimsOf(tokens.access_token).scope!.split(" ")).toEqual(expect.arrayContaining(offeredResourceScopes()));
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["nc_notes_search", "nc_notes_get", "nc_notes_create", "nc_notes_update", "nc_webdav_read_file", "nc_webdav_write_file", "nc_get_user_info"]));
    expect(tools.find((t) => t.name === "nc_notes_create")!.description).toMatch(/Access: .*notes\.write/);
    expect(client.getInstructions()).toMatch(/notes/);
    expect(client.getInstructions()).toMatch(/Deck boards/);

    // Stay connected: the refresh token renews access without the browser, with the same scopes.
    const renewed = await refresh(provider);
    expect(claimsOf(renewed.access_token).scope!.split(" ")).toEqual(expect.arrayContaining(offeredResourceScopes()));
    await client.close();
  });

  it("a person who unticks files.write: the token, the grant and tools/list lack it; the rest works", async () => {
    const { client, provider } = await connect(mcpUrl, BOB, ["files.write"]);
    const scopes = claimsOf(provider.tokens()!.access_token).scope!.split(" ");
    expect(scopes).not.toContain("files.write");
    expect(scopes).toEqual(expect.arrayContaining(["notes.read", "notes.write", "files.read", "account.read"]));
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const tool of toolsNeeding("files.write")) expect(names).not.toContain(tool);
    expect(names).toContain("nc_webdav_read_file");
    expect(names).toContain("nc_notes_create");
    const me = await client.callTool({ name: "whoami", arguments: {} });
    expect((me.structuredContent as { scopes: string[] }).scopes).not.toContain("files.write");
    // Calling a write tool by name anyway is refused before any tool code runs.
    const direct = await postMcp(mcpUrl, rpc("tools/call", { name: "nc_webdav_write_file", arguments: { path: "/x.txt", content: "x" } }), { token: provider.tokens()!.access_token });
    expect(direct.status).toBe(403);

    // The grant holds the choice: a refreshed token (derived from the grant) lacks files.write too.
    expect(claimsOf((await refresh(provider)).access_token).scope!.split(" ")).not.toContain("files.write");
    await client.close();
  });

  it("a declined scope is asked again, unticked, when the client asks for it again (step-up); ticking it then widens the grant", async () => {
    // Without a refresh token: the SDK (1.32) answers a 403 by refreshing when it holds one, which never widens
    // the scope ("Server returned 403 after trying upscoping"), so only a client without one reaches the browser.
    const { client, provider } = await connect(mcpUrl, BOB, ["files.write", "offline_access"]);
    const jar = createCookieJar();
    const transport = newTransport(mcpUrl, provider);
    await client.close();
    await client.connect(transport);
    const write = () => client.callTool({ name: "nc_webdav_write_file", arguments: { path: "/step-up.txt", content: "hello" } });
    await expect(write()).rejects.toBeInstanceOf(UnauthorizedError); // 403 insufficient_scope → the SDK asks for authorization
    expect(provider.authorizationRequests.at(-1)!.searchParams.get("scope")!.split(" ")).toContain("files.write");

    const declinedAgain = await authorizeWithLogin({ authorizationUrl: provider.lastAuthorizationUrl!, username: BOB.username, password: BOB.password, jar });
    expect(declinedAgain.consentChoices).toMatchObject({ "files.write": false });
    expect(declinedAgain.code).toBeDefined();
    const widened = await authorizeWithLogin({ authorizationUrl: provider.lastAuthorizationUrl!, username: BOB.username, password: BOB.password, jar, tick: ["files.write"] });
    // The first code was not redeemed: the second authorization (same request URL, new PKCE not needed) carries the choice.
    await transport.finishAuth(widened.code!);
    expect(claimsOf(provider.tokens()!.access_token).scope!.split(" ")).toContain("files.write");
    const fresh = new Client({ name: "first-contact-again", version: "1.0.0" });
    await fresh.connect(newTransport(mcpUrl, provider));
    expect((await fresh.listTools()).tools.map((t) => t.name)).toContain("nc_webdav_write_file");
    await Promise.all([client.close(), fresh.close()]);
  });

  it("a person who unticks offline_access: no refresh token", async () => {
    const { client, provider } = await connect(mcpUrl, ALICE, ["offline_access"]);
    expect(provider.tokens()!.refresh_token).toBeUndefined();
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("nc_notes_search");
    await client.close();
  });

  it("a client that asks for a scope no tool uses (an app this server has no tools for) is neither asked about it nor given it", async () => {
    const { client, provider, consent } = await connect(mcpUrl, ALICE, [], "openid notes.read tables.read tables.write");
    expect(Object.keys(consent.consentChoices ?? {})).toEqual(["notes.read"]);
    const scopes = claimsOf(provider.tokens()!.access_token).scope!.split(" ");
    expect(scopes).toContain("notes.read");
    expect(scopes).not.toContain("tables.read");
    expect(scopes).not.toContain("tables.write");
    await client.close();
  });

  it("refuses a forged consent form that adds a scope the page did not offer, and issues no code", async () => {
    for (const forged of [["tables.read"], ["openid"], ["notes.read", "tables.write"]]) {
      const provider = new TestOAuthProvider({ clientName: "Forger" });
      const client = new Client({ name: "forger", version: "1.0.0" });
      await expect(client.connect(newTransport(mcpUrl, provider))).rejects.toBeInstanceOf(UnauthorizedError);
      const result = await authorizeWithLogin({ authorizationUrl: provider.lastAuthorizationUrl!, username: ALICE.username, password: ALICE.password, forgeScopes: forged });
      expect(result.consentStatus, forged.join(" ")).toBe(400);
      expect(result.code).toBeUndefined();
    }
  });
});
