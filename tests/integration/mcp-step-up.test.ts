/**
 * Step-up authorization (MCP 2025-11-25 "Scope challenge handling", RFC 6750
 * §3.1 insufficient_scope) with the SDK client and the external IdP. The MCP
 * handler runs in this process behind a plain Node HTTP server
 * (tests/helpers/in-process-mcp.ts), so the test
 * can give it a catalogue with a scoped tool (the application's catalogue has
 * no scoped tool until the Nextcloud tools arrive). Everything else is real:
 * the verifier, the client registry on the suite's database, the IdP, the
 * SDK's discovery, registration, PKCE and its 403 handling.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ExternalIdp } from "../helpers/external-idp";
import { startInProcessMcp, type InProcessMcp } from "../helpers/in-process-mcp";
import { connectClient, MODERN_PROTOCOL, newModernClient, newModernTransport, newTransport, postMcp, rpc, rpcAs, TestOAuthProvider, withAuthorization } from "../helpers/mcp-client";
import { followAuthorization } from "../helpers/mcp-client";
import { UnauthorizedError as ModernUnauthorizedError } from "@modelcontextprotocol/client";

const noteTitles = {
  name: "list_note_titles",
  title: "List note titles",
  description: "Lists the titles of the caller's notes (test catalogue entry).",
  requiredScopes: ["notes.read"],
};

describe("step-up authorization with the SDK client", () => {
  let mcp: InProcessMcp;
  let idp: ExternalIdp;
  let appUrl: string;
  let visible: (scopes: string[]) => string[];

  beforeAll(async () => {
    mcp = await startInProcessMcp(async () => {
      const { defineTool } = await import("@/lib/mcp/tool-definition");
      const scopedTool = defineTool({
        ...noteTitles,
        input: z.object({}),
        output: z.object({ titles: z.array(z.string()), sub: z.string() }),
        annotations: { readOnlyHint: true },
        async run(_input, { caller }) {
          return { structured: { titles: ["Groceries", "Ideas"], sub: caller.sub }, text: "Groceries, Ideas" };
        },
      });
      return [scopedTool];
    });
    ({ idp, appUrl, visible } = mcp);
  });
  afterAll(async () => {
    await mcp?.stop();
  });

  it("answers a call beyond the token's scopes with 403 insufficient_scope naming every scope needed", async () => {
    const token = await idp.accessToken({ scope: "openid files.read" });
    const res = await postMcp(`${appUrl}/api/mcp`, rpc("tools/call", { name: noteTitles.name, arguments: {} }), { token });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", error_description="list_note_titles needs scope notes.read", scope="openid files.read notes.read", resource_metadata="${appUrl}/.well-known/oauth-protected-resource/api/mcp"`,
    );
    // A batch cannot smuggle the call past the check.
    const batch = await postMcp(`${appUrl}/api/mcp`, [rpc("ping", undefined, 1), rpc("tools/call", { name: noteTitles.name, arguments: {} }, 2)], { token });
    expect(batch.status).toBe(403);
  });

  it("lists only the tools the token's scopes allow", async () => {
    const list = async (scope: string) => {
      const res = await postMcp(`${appUrl}/api/mcp`, rpc("tools/list"), { token: await idp.accessToken({ scope }) });
      return ((await res.json()).result.tools as { name: string }[]).map((t) => t.name);
    };
    expect(await list("openid")).toEqual(visible(["openid"]));
    expect(await list("openid")).not.toContain(noteTitles.name);
    expect(await list("openid notes.read")).toEqual(visible(["openid", "notes.read"]));
    expect(await list("openid notes.read")).toContain(noteTitles.name);
  });

  it("steps up: 403 → the SDK re-authorizes with the wider scope → the call succeeds", async () => {
    // First contact names every tool scope (notes.read included); this client asks for less, as a
    // person unticking notes.read would leave it, so the call below needs a step-up.
    const provider = new TestOAuthProvider({ loginHint: "dora" });
    provider.narrowNextRequest = "openid";
    const { client, transport } = await connectClient(`${appUrl}/api/mcp`, provider);
    expect(provider.requestedScopes[0]!.split(" ")).toEqual(expect.arrayContaining(["openid", "offline_access", "notes.read"]));
    expect(provider.authorizationRequests[0]!.searchParams.get("scope")).toBe("openid");
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain(noteTitles.name);

    const result = await withAuthorization(transport, provider, () => client.callTool({ name: noteTitles.name, arguments: {} }));
    expect(provider.authorizationRequests).toHaveLength(2);
    expect(provider.authorizationRequests[1]!.searchParams.get("scope")).toBe("openid notes.read");
    expect(result.structuredContent).toEqual({ titles: ["Groceries", "Ideas"], sub: "dora" });
    const claims = JSON.parse(Buffer.from(provider.tokens()!.access_token.split(".")[1]!, "base64url").toString()) as { scope: string };
    expect(claims.scope.split(" ")).toEqual(expect.arrayContaining(["openid", "notes.read"]));

    // A fresh connection with the stepped-up token sees the tool without asking again.
    const again = newTransport(`${appUrl}/api/mcp`, provider);
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const second = new Client({ name: "again", version: "1" });
    await second.connect(again);
    expect((await second.listTools()).tools.map((t) => t.name)).toContain(noteTitles.name);
    await Promise.all([client.close(), second.close()]);
  });

  it("steps up to the union of held and needed scopes: the v1 SDK client keeps what it had (MCP 2026-07-28 step-up)", async () => {
    // 2026-07-28 clients request held ∪ challenged; 2025-11-25 clients (this SDK) request the challenge's
    // scope verbatim. The challenge names held ∪ needed, so both end up with the same token.
    const provider = new TestOAuthProvider({ loginHint: "dora" });
    provider.narrowNextRequest = "openid files.read";
    const { client, transport } = await connectClient(`${appUrl}/api/mcp`, provider);
    const scopesOf = () => (JSON.parse(Buffer.from(provider.tokens()!.access_token.split(".")[1]!, "base64url").toString()) as { scope: string }).scope.split(" ");
    expect(scopesOf()).toContain("files.read");
    expect(scopesOf()).not.toContain("notes.read");

    const result = await withAuthorization(transport, provider, () => client.callTool({ name: noteTitles.name, arguments: {} }));
    expect(result.structuredContent).toMatchObject({ sub: "dora" });
    expect(provider.authorizationRequests).toHaveLength(2);
    const requested = provider.authorizationRequests[1]!.searchParams.get("scope")!.split(" ");
    expect(requested).toEqual(expect.arrayContaining(["openid", "files.read", "notes.read"]));
    // Held ∪ needed: the earlier permission survived the step-up.
    expect(scopesOf()).toEqual(expect.arrayContaining(["files.read", "notes.read"]));
    await client.close();
  });

  it("2026-07-28: the same 403 insufficient_scope before any MCP code runs", async () => {
    const token = await idp.accessToken({ scope: "openid files.read" });
    const body = rpcAs(MODERN_PROTOCOL, "tools/call", { name: noteTitles.name, arguments: {} });
    const res = await postMcp(`${appUrl}/api/mcp`, body, { token, version: MODERN_PROTOCOL });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(res.headers.get("www-authenticate")).toContain('scope="openid files.read notes.read"');
  });

  it("2026-07-28: the v2 SDK client steps up on its own (403 → re-authorization with held ∪ needed) and the call succeeds", async () => {
    const provider = new TestOAuthProvider({ loginHint: "erin" });
    provider.narrowNextRequest = "openid";
    const client = newModernClient();
    // The v2 transport drives the authorization itself; the test plays the browser whenever it is sent to the IdP.
    let transport = newModernTransport(`${appUrl}/api/mcp`, provider);
    const signIn = async () => {
      const started = provider.lastAuthorizationUrl!;
      provider.lastAuthorizationUrl = undefined;
      const result = await followAuthorization(started, provider.redirectUri);
      await transport.finishAuth(result.code!, result.iss);
    };
    try {
      await client.connect(transport);
    } catch (error) {
      if (!(error instanceof ModernUnauthorizedError)) throw error;
      await signIn();
      transport = newModernTransport(`${appUrl}/api/mcp`, provider);
      await client.connect(transport);
    }
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain(noteTitles.name);

    let result;
    try {
      result = await client.callTool({ name: noteTitles.name, arguments: {} });
    } catch (error) {
      if (!(error instanceof ModernUnauthorizedError)) throw error;
      await signIn();
      result = await client.callTool({ name: noteTitles.name, arguments: {} });
    }
    expect(provider.authorizationRequests).toHaveLength(2);
    expect(provider.authorizationRequests[1]!.searchParams.get("scope")!.split(" ")).toEqual(expect.arrayContaining(["openid", "notes.read"]));
    expect(result.structuredContent).toEqual({ titles: ["Groceries", "Ideas"], sub: "erin" });
    await client.close();
  });
});
