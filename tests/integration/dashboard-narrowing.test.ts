/**
 * Narrowing one connected client from the dashboard, with real tokens of the
 * built-in IdP: the client's authorization code is redeemed at the IdP's
 * token endpoint over HTTP (a real JWT access token and refresh token), and
 * the MCP endpoint's own handler answers its requests. After the person
 * removes a scope, the very next request with the same, unexpired token no
 * longer lists the scope's tools and is refused them (403 insufficient_scope);
 * a refresh yields only what remains; nobody else can narrow the client;
 * widening is refused (the client must re-authorize).
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { getConfig } from "@/lib/config";
import { listConnections } from "@/lib/dashboard/list-connections";
import { narrowConnection, narrowConnectionGroup } from "@/lib/dashboard/narrow-connection";
import { revokeConnectionGroup } from "@/lib/dashboard/revoke-connection";
import { getProvider } from "@/lib/idp/provider";
import { nextcloudResourceIndicator } from "@/lib/idp/resources";
import { handleMcpPost } from "@/lib/mcp/handle-mcp-request";
import { testDbKind } from "../helpers/databases";
import { SERVER_SECRET, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";
import { LATEST_PROTOCOL, rpc } from "../helpers/mcp-client";

const kind = testDbKind();
const REDIRECT = "http://127.0.0.1:7000/cb";
const SCOPES = ["notes.read", "notes.write", "files.read"];

interface Tokens {
  clientId: string;
  access: string;
  refresh: string;
}

describe(`narrowing a connected client (${kind})`, () => {
  let idp: InProcessIdp;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    idp = await startInProcessIdp();
    alice = (await createAccount({ username: "alice", password: "alice-password-123", displayName: "Alice" })).id;
    bob = (await createAccount({ username: "bob", password: "bob-password-12345", displayName: "Bob" })).id;
  });
  afterAll(async () => idp?.close());

  /** What the IdP hands a client after the person's sign-in and consent: the code, redeemed with PKCE at /token. */
  async function connect(accountId: string, scopes = SCOPES, registration: { name?: string; redirect?: string } = {}): Promise<Tokens> {
    const redirect = registration.redirect ?? REDIRECT;
    const registered = await fetch(`${idp.url}/api/oidc/reg`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: registration.name ?? "Narrowable client", redirect_uris: [redirect], token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"] }),
    });
    expect(registered.status).toBe(201);
    const clientId = ((await registered.json()) as { client_id: string }).client_id;
    const provider = await getProvider();
    const client = (await provider.Client.find(clientId))!;
    const resource = getConfig().MCP_AUDIENCE;
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope("openid offline_access");
    grant.addResourceScope(resource, scopes.join(" "));
    const grantId = await grant.save();
    const verifier = randomBytes(32).toString("base64url");
    const code = new provider.AuthorizationCode({
      accountId,
      client,
      grantId,
      scope: ["openid", "offline_access", ...scopes].join(" "),
      resource,
      redirectUri: redirect,
      codeChallenge: createHash("sha256").update(verifier).digest("base64url"),
      codeChallengeMethod: "S256",
      authTime: Math.floor(Date.now() / 1000),
    } as never);
    const answer = await fetch(`${idp.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code: await code.save(), redirect_uri: redirect, client_id: clientId, code_verifier: verifier, resource }),
    });
    const body = (await answer.json()) as { access_token: string; refresh_token: string; scope: string };
    expect(answer.status, JSON.stringify(body)).toBe(200);
    expect(body.refresh_token).toBeTruthy();
    return { clientId, access: body.access_token, refresh: body.refresh_token };
  }

  async function mcp(token: string, body: unknown): Promise<Response> {
    return handleMcpPost(
      new Request(`${idp.url}/api/mcp`, {
        method: "POST",
        headers: { host: new URL(idp.url).host, "content-type": "application/json", accept: "application/json", "mcp-protocol-version": LATEST_PROTOCOL, authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      }),
    );
  }

  async function toolNames(token: string): Promise<string[]> {
    const res = await mcp(token, rpc("tools/list"));
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
  }

  async function refresh(tokens: Tokens): Promise<{ status: number; scope?: string; access?: string }> {
    const res = await fetch(`${idp.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh, client_id: tokens.clientId }),
    });
    const body = (await res.json()) as { scope?: string; access_token?: string; refresh_token?: string };
    if (body.refresh_token) tokens.refresh = body.refresh_token;
    return { status: res.status, scope: body.scope, access: body.access_token };
  }

  it("a removed scope leaves tools/list and is refused on the very next request; refresh yields only what remains", async () => {
    const tokens = await connect(alice);
    expect(await toolNames(tokens.access)).toEqual(expect.arrayContaining(["nc_notes_search", "nc_notes_create", "nc_webdav_read_file"]));

    expect(await narrowConnection({ userId: alice, clientId: tokens.clientId, keep: ["notes.read", "files.read"] })).toEqual({
      narrowed: true,
      removed: ["notes.write"],
      kept: ["notes.read", "files.read"],
    });

    // The same, unexpired JWT: no waiting for a cache.
    const after = await toolNames(tokens.access);
    expect(after).toEqual(expect.arrayContaining(["nc_notes_search", "nc_webdav_read_file"]));
    expect(after.filter((n) => ["nc_notes_create", "nc_notes_update", "nc_notes_append", "nc_notes_delete"].includes(n))).toEqual([]);
    const call = await mcp(tokens.access, rpc("tools/call", { name: "nc_notes_create", arguments: { content: "x" } }));
    expect(call.status).toBe(403);
    expect(call.headers.get("www-authenticate")).toMatch(/error="insufficient_scope"/);
    expect(call.headers.get("www-authenticate")).toMatch(/notes\.write/);

    const refreshed = await refresh(tokens);
    expect(refreshed.status).toBe(200);
    expect(refreshed.scope?.split(" ").sort()).toEqual(["files.read", "notes.read"]);
    const payload = JSON.parse(Buffer.from(refreshed.access!.split(".")[1]!, "base64url").toString()) as { scope: string };
    expect(payload.scope.split(" ")).not.toContain("notes.write");
    // Asking the refresh grant for the removed scope explicitly gets nothing more.
    const explicit = await fetch(`${idp.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh, client_id: tokens.clientId, scope: "openid offline_access notes.read notes.write files.read" }),
    });
    const explicitBody = (await explicit.json()) as { scope?: string; refresh_token?: string };
    if (explicitBody.refresh_token) tokens.refresh = explicitBody.refresh_token;
    if (explicit.status === 200) expect(explicitBody.scope?.split(" ")).not.toContain("notes.write");

    const connection = (await listConnections({ userId: alice })).find((c) => c.clientId === tokens.clientId)!;
    expect(connection.scopes.sort()).toEqual(["files.read", "notes.read"]);
    const audit = await idp.db.prisma.auditEvent.findFirstOrThrow({ where: { userId: alice, event: "scopes_removed", clientId: tokens.clientId } });
    expect(audit.scopes).toEqual(["notes.write"]);
    expect(JSON.stringify(audit.detail)).not.toContain(tokens.access.slice(0, 20));
  });

  it("the IdP refuses a token exchange for a removed scope, even with a token issued before the narrowing", async () => {
    const tokens = await connect(alice);
    // Alice's Flow 2 consent: this server may use notes.read and notes.write in Nextcloud.
    const provider = await getProvider();
    const flow2 = new provider.Grant({ accountId: alice, clientId: getConfig().OIDC_CLIENT_ID });
    flow2.addResourceScope(nextcloudResourceIndicator(), "notes.read notes.write");
    await flow2.save();
    const exchange = (scope: string) =>
      fetch(`${idp.url}/api/oidc/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${getConfig().OIDC_CLIENT_ID}:${SERVER_SECRET}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token_type: "urn:ietf:params:oauth:token-type:access_token", subject_token: tokens.access, audience: getConfig().NEXTCLOUD_AUDIENCE, scope }),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { error?: string } }));
    expect((await exchange("notes.write")).status).toBe(200);
    await narrowConnection({ userId: alice, clientId: tokens.clientId, keep: ["notes.read", "files.read"] });
    expect(await exchange("notes.write")).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    expect((await exchange("notes.read")).status).toBe(200);
  });

  it("a widened grant (step-up consent, here or in another instance) is seen at once by a token issued after it", async () => {
    const tokens = await connect(alice, ["notes.read"]);
    expect(await toolNames(tokens.access)).not.toContain("nc_notes_create"); // the grant's answer is now cached
    const provider = await getProvider();
    const grantId = (await idp.db.prisma.oidcPayload.findFirstOrThrow({ where: { model: "Grant", accountId: alice, clientId: tokens.clientId } })).id;
    // Another instance widens the grant (a step-up consent there): a write this process's cache never hears of.
    const row = await idp.db.prisma.oidcPayload.findUniqueOrThrow({ where: { model_id: { model: "Grant", id: grantId } } });
    const payload = row.payload as { resources: Record<string, string> };
    payload.resources[getConfig().MCP_AUDIENCE] = "notes.read notes.write";
    await idp.db.prisma.oidcPayload.update({ where: { model_id: { model: "Grant", id: grantId } }, data: { payload } });
    await new Promise((r) => setTimeout(r, 1_100)); // the new token's iat is a later second than the cached read
    const client = (await provider.Client.find(tokens.clientId))!;
    const at = new provider.AccessToken({ accountId: alice, client, grantId, gty: "authorization_code", scope: "notes.read notes.write" } as never);
    at.resourceServer = new provider.ResourceServer(getConfig().MCP_AUDIENCE, { scope: "notes.read notes.write", audience: getConfig().MCP_AUDIENCE, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } } as never);
    expect(await toolNames(await at.save())).toContain("nc_notes_create");
  });

  it("nobody else can narrow the client, and widening or unknown scopes change nothing", async () => {
    const tokens = await connect(alice);
    // Bob names Alice's client: his request only reaches his own grants, of which he has none here.
    expect(await narrowConnection({ userId: bob, clientId: tokens.clientId, keep: [] })).toEqual({ narrowed: false, reason: "not_found" });
    // Bob has his own grant at the same client: narrowing it leaves Alice's untouched.
    const provider = await getProvider();
    const bobs = new provider.Grant({ accountId: bob, clientId: tokens.clientId });
    bobs.addResourceScope(getConfig().MCP_AUDIENCE, "notes.read notes.write");
    await bobs.save();
    expect(await narrowConnection({ userId: bob, clientId: tokens.clientId, keep: [] })).toMatchObject({ narrowed: true, removed: ["notes.read", "notes.write"] });
    expect(await toolNames(tokens.access)).toEqual(expect.arrayContaining(["nc_notes_create", "nc_notes_search"]));

    expect(await narrowConnection({ userId: alice, clientId: tokens.clientId, keep: [...SCOPES, "deck.write"] })).toEqual({ narrowed: false, reason: "widening" });
    expect(await narrowConnection({ userId: alice, clientId: tokens.clientId, keep: [...SCOPES, "openid"] })).toEqual({ narrowed: false, reason: "widening" });
    expect(await narrowConnection({ userId: alice, clientId: tokens.clientId, keep: SCOPES })).toEqual({ narrowed: false, reason: "unchanged" });
    expect(await narrowConnection({ userId: alice, clientId: getConfig().OIDC_CLIENT_ID, keep: [] })).toEqual({ narrowed: false, reason: "not_allowed" });
    await expect(narrowConnection({ userId: alice, clientId: "", keep: [] })).rejects.toThrow();
    expect(await toolNames(tokens.access)).toEqual(expect.arrayContaining(["nc_notes_create", "nc_notes_search", "nc_webdav_read_file"]));
  });

  it("removing every tool scope keeps the client connected with only the tools that need none", async () => {
    const tokens = await connect(alice);
    expect(await narrowConnection({ userId: alice, clientId: tokens.clientId, keep: [] })).toMatchObject({ narrowed: true });
    const names = await toolNames(tokens.access);
    expect(names).toContain("whoami");
    expect(names.filter((n) => n.startsWith("nc_"))).toEqual([]);
    const refreshed = await refresh(tokens);
    expect(refreshed.status).toBe(200);
    expect((refreshed.scope ?? "").split(" ").filter((s) => SCOPES.includes(s))).toEqual([]);
  });

  it("re-registrations of one application are one card; narrowing and revoking it reach every registration, for its owner only", async () => {
    const first = await connect(alice, SCOPES, { name: "Re-registering app", redirect: "http://127.0.0.1:41001/callback" });
    const second = await connect(alice, ["notes.read", "notes.write"], { name: "Re-registering app", redirect: "http://127.0.0.1:41002/callback" });
    const other = await connect(alice, ["notes.read"], { name: "Another app", redirect: "http://127.0.0.1:41001/callback" });
    const groups = await listConnections({ userId: alice });
    const group = groups.find((g) => g.clientIds.includes(first.clientId))!;
    expect(group).toMatchObject({ registrations: 2, clientId: second.clientId, name: "Re-registering app" });
    expect(group.clientIds.sort()).toEqual([first.clientId, second.clientId].sort());
    expect(group.scopes.sort()).toEqual([...SCOPES].sort());
    expect(groups.find((g) => g.clientIds.includes(other.clientId))!.key).not.toBe(group.key);

    // Bob cannot use Alice's group key.
    expect(await narrowConnectionGroup({ userId: bob, key: group.key, keep: [] })).toEqual({ narrowed: false, reason: "not_found" });
    expect(await revokeConnectionGroup({ userId: bob, key: group.key })).toEqual({ revoked: false, reason: "not_found" });
    await expect(narrowConnectionGroup({ userId: alice, key: "../../etc", keep: [] })).rejects.toThrow();
    expect(await narrowConnectionGroup({ userId: alice, key: group.key, keep: ["notes.read", "deck.read"] })).toEqual({ narrowed: false, reason: "widening" });

    expect(await narrowConnectionGroup({ userId: alice, key: group.key, keep: ["notes.read", "files.read"] })).toMatchObject({ narrowed: true });
    for (const t of [first, second]) expect(await toolNames(t.access)).not.toContain("nc_notes_create");
    // files.read was never granted to the second registration: narrowing does not give it.
    expect(await toolNames(second.access)).not.toContain("nc_webdav_read_file");
    expect(await toolNames(first.access)).toContain("nc_webdav_read_file");
    expect(await toolNames(other.access)).toContain("nc_notes_search");

    expect(await revokeConnectionGroup({ userId: alice, key: group.key })).toEqual({ revoked: true, grants: 2 });
    for (const t of [first, second]) expect((await mcp(t.access, rpc("tools/list"))).status).toBe(401);
    expect((await mcp(other.access, rpc("tools/list"))).status).toBe(200);
  });
});
