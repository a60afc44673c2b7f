/**
 * Flow 1 end to end against the production build in external-IdP mode: the
 * MCP SDK's own client discovers the authorization server from the 401 and the
 * protected resource metadata, registers (dynamic registration, or a client ID
 * metadata document), signs in through a standalone Keycloak-like IdP, and
 * calls tools. Plus the transport's HTTP surface (JSON vs SSE, 405, CORS,
 * protocol versions).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { MCP_AUDIENCE, obtainTokens, REALM_PATH, startAppWithExternalIdp, TEST_CLIENT, type ExternalIdp } from "../helpers/external-idp";
import { connectClient, connectModernClient, MODERN_PROTOCOL, initializeRequest, LATEST_PROTOCOL, postMcp, rpc, TestOAuthProvider, withAuthorization } from "../helpers/mcp-client";
import type { AppServer } from "../helpers/app-server";
import { offeredFirstContactScopes, offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import { listedFor } from "@/lib/mcp/tool-definition";

/** The tools a token with `scopes` may see: the catalogue's rule, restated. */
const visibleTools = (scopes: string[]) => TOOL_CATALOGUE.filter((t) => listedFor(t, scopes)).map((t) => t.name);

const kind = testDbKind();
const CIMD_URL = "https://mcp-client.test/oauth/client.json";
const CIMD_REDIRECT = "http://127.0.0.1:45123/callback";

describe(`MCP endpoint with an external IdP (${kind})`, () => {
  let db: TestDatabase;
  let app: AppServer;
  let idp: ExternalIdp;
  let stop: () => Promise<void>;
  let mcpUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const cimd = { client_id: CIMD_URL, client_name: "CIMD test client", redirect_uris: [CIMD_REDIRECT], grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "none" };
    ({ app, idp, stop } = await startAppWithExternalIdp(db.env, { [CIMD_URL]: cimd }));
    mcpUrl = `${app.url}/api/mcp`;
  });
  afterAll(async () => {
    await stop?.();
    await db?.drop();
  });

  it.each(["/.well-known/oauth-protected-resource/api/mcp", "/.well-known/oauth-protected-resource"])("serves protected resource metadata at %s", async (path) => {
    const res = await fetch(`${app.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const doc = await res.json();
    expect(doc).toMatchObject({ resource: mcpUrl, authorization_servers: [idp.issuer], bearer_methods_supported: ["header"], resource_name: expect.any(String) });
    // What a client without a challenge scope requests: identity, a refresh token, every tool scope — and nothing no tool uses.
    expect(doc.scopes_supported).toEqual(["openid", "offline_access", ...offeredResourceScopes()]);
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(["notes.read", "files.write"]));
    expect(doc.scopes_supported).not.toContain("tables.read");
  });

  it("challenges a request without a token: 401, the metadata URL and every tool scope (+ openid offline_access), no error code", async () => {
    const res = await postMcp(mcpUrl, initializeRequest());
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer scope="${offeredFirstContactScopes().join(" ")}", resource_metadata="${app.url}/.well-known/oauth-protected-resource/api/mcp"`,
    );
    expect((await res.json()).error.code).toBe(-32000);
  });

  it("lets the SDK client register dynamically, sign in and call tools", async () => {
    const provider = new TestOAuthProvider({ loginHint: "alice" });
    const { client } = await connectClient(mcpUrl, provider);
    const authorize = provider.authorizationRequests[0]!;
    expect(authorize.origin + authorize.pathname).toBe(`${idp.issuer}/auth`);
    expect(authorize.searchParams.get("resource")).toBe(mcpUrl);
    expect(authorize.searchParams.get("scope")).toBe(offeredFirstContactScopes().join(" "));
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(client.getServerVersion()?.name).toBe("nextcloud-mcp");

    const { tools } = await client.listTools();
    // The external IdP grants what was asked: every tool is listed, from the first consent on.
    expect(tools.map((t) => t.name)).toEqual(visibleTools(offeredFirstContactScopes()));
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["check_provisioning_status", "whoami", "nc_notes_search", "nc_webdav_write_file"]));
    expect(provider.tokens()!.refresh_token).toEqual(expect.any(String));
    const status0 = tools.find((t) => t.name === "check_provisioning_status")!;
    expect(status0.outputSchema).toBeDefined();
    expect(status0.annotations?.readOnlyHint).toBe(true);

    const status = await client.callTool({ name: "check_provisioning_status", arguments: {} });
    expect(status.isError).toBeFalsy();
    expect(status.structuredContent).toEqual({ is_provisioned: false, status: "not_provisioned", scopes: [], provisioned_at: null, flow_type: null, client_id: null, audience: "nextcloud" });
    expect((status.content as { text: string }[])[0]!.text).toMatch(/not provisioned/);

    const me = await client.callTool({ name: "whoami", arguments: {} });
    const clientId = (provider.clientInformation() as { client_id: string }).client_id;
    expect(me.structuredContent).toMatchObject({ sub: "alice", client_id: clientId, authentication: "oauth" });
    expect((me.structuredContent as { scopes: string[] }).scopes).toEqual(expect.arrayContaining(offeredResourceScopes()));
    await client.close();
  });

  it("lets the v2 SDK client (MCP 2026-07-28) register, sign in, list and call tools", async () => {
    const provider = new TestOAuthProvider({ loginHint: "alice" });
    const { client } = await connectModernClient(mcpUrl, provider);
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL);
    expect(provider.authorizationRequests[0]!.searchParams.get("resource")).toBe(mcpUrl);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(visibleTools(offeredFirstContactScopes()));
    const me = await client.callTool({ name: "whoami", arguments: {} });
    expect(me.structuredContent).toMatchObject({ sub: "alice", client_id: (provider.clientInformation() as { client_id: string }).client_id, authentication: "oauth" });
    await client.close();
  });

  it("lets a client identified by a client ID metadata document (https URL) do the same", async () => {
    const provider = new TestOAuthProvider({ redirectUri: CIMD_REDIRECT, clientMetadataUrl: CIMD_URL, loginHint: "bob" });
    const { client } = await connectClient(mcpUrl, provider);
    expect(provider.authorizationRequests[0]!.searchParams.get("client_id")).toBe(CIMD_URL);
    const me = await client.callTool({ name: "whoami", arguments: {} });
    expect(me.structuredContent).toMatchObject({ sub: "bob", client_id: CIMD_URL });
    await client.close();
  });

  it("accepts a token requested Keycloak-style with the audience parameter", async () => {
    const tokens = await obtainTokens(idp.issuer, { clientId: TEST_CLIENT.clientId, redirectUri: TEST_CLIENT.redirectUri, scope: "openid notes.read", audience: MCP_AUDIENCE, loginHint: "carol" });
    const res = await postMcp(mcpUrl, rpc("tools/call", { name: "whoami", arguments: {} }), { token: tokens.access_token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.result.structuredContent).toMatchObject({ sub: "carol", client_id: TEST_CLIENT.clientId, scopes: ["openid", "notes.read"] });
  });

  it("steps up against the production build: 403 insufficient_scope → re-authorization with the wider scope → the call goes through", async () => {
    const scoped = TOOL_CATALOGUE.find((t) => t.requiredScopes.length > 0);
    expect(scoped, "the catalogue has a tool that requires a scope").toBeDefined();
    // A client that asked for less than the challenge named (e.g. its user narrowed it) must step up.
    const provider = new TestOAuthProvider({ loginHint: "erin" });
    provider.narrowNextRequest = "openid";
    const { client, transport } = await connectClient(mcpUrl, provider);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain(scoped!.name);

    const raw = await postMcp(mcpUrl, rpc("tools/call", { name: scoped!.name, arguments: {} }), { token: provider.tokens()!.access_token });
    expect(raw.status).toBe(403);
    expect(raw.headers.get("www-authenticate")).toContain(`error="insufficient_scope"`);
    expect(raw.headers.get("www-authenticate")).toContain(`scope="${["openid", ...scoped!.requiredScopes].join(" ")}"`);

    const result = await withAuthorization(transport, provider, () => client.callTool({ name: scoped!.name, arguments: {} }));
    expect(provider.authorizationRequests).toHaveLength(2);
    expect(provider.authorizationRequests[1]!.searchParams.get("scope")).toBe(["openid", ...scoped!.requiredScopes].join(" "));
    expect(Array.isArray(result.content)).toBe(true); // a tool result, whatever the tool decided (e.g. "provision Nextcloud first")
    expect((await client.listTools()).tools.map((t) => t.name)).toContain(scoped!.name);
    await client.close();
  });

  it("does not serve the built-in IdP in external mode", async () => {
    for (const path of ["/api/oidc/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/api/oidc", "/api/oidc/jwks"]) {
      expect((await fetch(`${app.url}${path}`)).status, path).toBe(404);
    }
    expect(idp.issuer).toContain(REALM_PATH);
  });

  describe("transport", () => {
    let token: string;
    beforeAll(async () => {
      token = await idp.accessToken({ azp: "transport-test-client" });
    });

    it("answers in JSON when the client accepts both, and in SSE when it accepts only SSE", async () => {
      const json = await postMcp(mcpUrl, rpc("tools/list"), { token });
      expect(json.status).toBe(200);
      expect(json.headers.get("content-type")).toMatch(/^application\/json/);
      expect((await json.json()).result.tools).toHaveLength(visibleTools(["openid"]).length);

      const sse = await postMcp(mcpUrl, rpc("tools/list"), { token, headers: { accept: "text/event-stream" } });
      expect(sse.status).toBe(200);
      expect(sse.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const text = await sse.text();
      expect(text).toContain("event: message");
      expect(JSON.parse(/^data: (.*)$/m.exec(text)![1]!).result.tools).toHaveLength(visibleTools(["openid"]).length);
    });

    it("refuses a client that accepts neither JSON nor SSE (406) and a non-JSON body (415)", async () => {
      expect((await postMcp(mcpUrl, rpc("ping"), { token, headers: { accept: "text/html" } })).status).toBe(406);
      expect((await postMcp(mcpUrl, rpc("ping"), { token, headers: { "content-type": "text/plain" } })).status).toBe(415);
    });

    it.each(["GET", "DELETE"])("answers %s with 405 and Allow", async (method) => {
      const res = await fetch(mcpUrl, { method, headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    });

    it("negotiates the protocol version (2025-11-25 and older ones the SDK supports)", async () => {
      for (const version of [LATEST_PROTOCOL, "2025-06-18", "2025-03-26"]) {
        const res = await postMcp(mcpUrl, initializeRequest(version), { token, headers: { "mcp-protocol-version": version } });
        expect((await res.json()).result.protocolVersion).toBe(version);
      }
      const future = await postMcp(mcpUrl, initializeRequest("2099-01-01"), { token });
      expect((await future.json()).result.protocolVersion).toBe(LATEST_PROTOCOL);
      const bad = await postMcp(mcpUrl, rpc("tools/list"), { token, headers: { "mcp-protocol-version": "1999-01-01" } });
      expect(bad.status).toBe(400);
    });

    // Unknown tools are protocol errors (MCP 2025-11-25 server/tools "Error Handling"); SDK v1 answered them
    // with an isError result, SDK v2 with -32602 as the spec asks.
    it("answers an unknown method with JSON-RPC -32601 and an unknown tool with -32602", async () => {
      const unknown = await postMcp(mcpUrl, rpc("no/such-method"), { token });
      expect(unknown.status).toBe(200);
      expect((await unknown.json()).error.code).toBe(-32601);
      const tool = await postMcp(mcpUrl, rpc("tools/call", { name: "no_such_tool", arguments: {} }), { token });
      expect((await tool.json()).error.code).toBe(-32602);
    });

    it("accepts notifications with 202", async () => {
      const res = await postMcp(mcpUrl, { jsonrpc: "2.0", method: "notifications/initialized" }, { token });
      expect(res.status).toBe(202);
    });

    it("answers CORS preflights for its own origin and exposes the challenge header", async () => {
      const preflight = await fetch(mcpUrl, { method: "OPTIONS", headers: { origin: app.url, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(app.url);
      expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
      expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Mcp-Protocol-Version/);
      const challenged = await postMcp(mcpUrl, rpc("ping"), { headers: { origin: app.url } });
      expect(challenged.status).toBe(401);
      expect(challenged.headers.get("access-control-allow-origin")).toBe(app.url);
      expect(challenged.headers.get("access-control-expose-headers")).toBe("WWW-Authenticate, Mcp-Session-Id");
      const metadata = await fetch(`${app.url}/.well-known/oauth-protected-resource/api/mcp`, { method: "OPTIONS", headers: { origin: "https://anywhere.example", "access-control-request-method": "GET" } });
      expect(metadata.status).toBe(204);
      expect(metadata.headers.get("access-control-allow-origin")).toBe("*");
    });
  });
});
