/**
 * One endpoint, two protocol eras (MCP 2025-11-25 and 2026-07-28), with the
 * handler in this process (tests/helpers/in-process-mcp.ts) so the suite can
 * mint a request state with the server's own key ring (an expired one).
 * Raw requests where the SDK client would hide what is on the wire (the
 * cache fields, resultType, the error codes); the v2 SDK client for the rest.
 * What is tried:
 *  - each era gets its own answers: initialize and version negotiation on
 *    2025-11-25; server/discover, `ttlMs`/`cacheScope`, -32022 for an unknown
 *    version and -32020 for a header that disagrees with the body on 2026-07-28;
 *  - provisioning on 2026-07-28: `input_required` with the URL where the
 *    request declares URL-mode elicitation, the link in the tool result where
 *    it does not; the retry's `requestState` is refused when it comes from
 *    another user, another client, another tool, after expiry or tampered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopesUsedBy } from "@/lib/auth/scopes";
import { startInProcessMcp, type InProcessMcp } from "../helpers/in-process-mcp";
import { TEST_CLIENT } from "../helpers/external-idp";
import { initializeRequest, LATEST_PROTOCOL, modernEnvelope, MODERN_PROTOCOL, newModernClient, newModernTransport, postMcp, rpc, rpcAs, TestOAuthProvider } from "../helpers/mcp-client";

const TOOL = "nc_get_user_info";

describe("MCP 2025-11-25 and 2026-07-28 side by side", () => {
  let mcp: InProcessMcp;
  let token: string;

  beforeAll(async () => {
    mcp = await startInProcessMcp();
    token = await mcp.idp.accessToken({ scope: "openid account.read" });
  });
  afterAll(async () => {
    await mcp?.stop();
  });

  const modern = (method: string, params: Record<string, unknown> = {}, options: { token?: string; capabilities?: Record<string, unknown>; headers?: Record<string, string> } = {}) =>
    postMcp(mcp.mcpUrl, rpc(method, { ...params, _meta: modernEnvelope(options.capabilities ?? {}) }), { token: options.token ?? token, version: MODERN_PROTOCOL, headers: options.headers });
  const jsonOf = async (res: Response) => (await res.json()) as { result?: Record<string, unknown>; error?: { code: number; message: string; data?: Record<string, unknown> } };

  describe("2025-11-25", () => {
    it("initialize answers 2025-11-25, and tools/list carries no 2026 cache fields", async () => {
      const init = await jsonOf(await postMcp(mcp.mcpUrl, initializeRequest(), { token }));
      expect(init.result).toMatchObject({ protocolVersion: LATEST_PROTOCOL, serverInfo: { name: "nextcloud-mcp" } });
      const list = await jsonOf(await postMcp(mcp.mcpUrl, rpc("tools/list"), { token }));
      expect((list.result!.tools as { name: string }[]).map((t) => t.name)).toEqual(mcp.visible(["openid", "account.read"]));
      expect(list.result).not.toHaveProperty("ttlMs");
      expect(list.result).not.toHaveProperty("cacheScope");
      expect(list.result).not.toHaveProperty("resultType");
    });

    it("a client asking for a version this server does not know is offered 2025-11-25 (version negotiation)", async () => {
      const init = await jsonOf(await postMcp(mcp.mcpUrl, initializeRequest("2030-01-01"), { token }));
      expect(init.result!.protocolVersion).toBe(LATEST_PROTOCOL);
    });
  });

  describe("2026-07-28", () => {
    it("server/discover names 2026-07-28 and the tools capability", async () => {
      const res = await modern("server/discover");
      expect(res.status).toBe(200);
      const { result } = await jsonOf(res);
      expect(result!.supportedVersions).toContain(MODERN_PROTOCOL);
      expect(result).toMatchObject({ resultType: "complete", capabilities: { tools: {} } });
    });

    it("tools/list is the token's own list: cacheScope private, stale at once (ttlMs 0)", async () => {
      const { result } = await jsonOf(await modern("tools/list"));
      expect((result!.tools as { name: string }[]).map((t) => t.name)).toEqual(mcp.visible(["openid", "account.read"]));
      expect(result).toMatchObject({ resultType: "complete", cacheScope: "private", ttlMs: 0 });
      const narrower = await jsonOf(await modern("tools/list", {}, { token: await mcp.idp.accessToken({ scope: "openid" }) }));
      expect((narrower.result!.tools as { name: string }[]).map((t) => t.name)).not.toContain(TOOL);
    });

    it("an unknown protocol version → -32022 with the supported versions", async () => {
      const body = rpc("tools/list", { _meta: modernEnvelope({}, "2099-01-01") });
      const res = await postMcp(mcp.mcpUrl, body, { token, headers: { "mcp-protocol-version": "2099-01-01", "mcp-method": "tools/list" } });
      expect(res.status).toBe(400);
      const { error } = await jsonOf(res);
      expect(error!.code).toBe(-32022);
      expect(error!.data!.supported).toContain(MODERN_PROTOCOL);
      expect(error!.data!.supported).toContain(LATEST_PROTOCOL);
    });

    it("a Mcp-Name header that disagrees with the body → 400 -32020 (the call does not run)", async () => {
      const body = rpcAs(MODERN_PROTOCOL, "tools/call", { name: "whoami", arguments: {} });
      const res = await postMcp(mcp.mcpUrl, body, { token, version: MODERN_PROTOCOL, headers: { "mcp-name": TOOL } });
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error!.code).toBe(-32020);
    });

    it("the v2 SDK client (pinned to 2026-07-28) connects, lists and calls", async () => {
      const provider = new TestOAuthProvider();
      provider.saveTokens({ access_token: token, token_type: "Bearer" });
      const client = newModernClient();
      await client.connect(newModernTransport(mcp.mcpUrl, provider));
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL);
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(mcp.visible(["openid", "account.read"]));
      const whoami = await client.callTool({ name: "whoami", arguments: {} });
      expect(whoami.structuredContent).toMatchObject({ sub: "alice", client_id: TEST_CLIENT.clientId });
      await client.close();
    });
  });

  describe("tool schemas on both eras (converted once per process and shared: lib/mcp/create-mcp-server.ts)", () => {
    const everyScope = () => mcp.idp.accessToken({ scope: `openid ${scopesUsedBy(mcp.catalogue).join(" ")}` });
    type Listed = { name: string; inputSchema: unknown; outputSchema: unknown };
    const toolsOf = async (res: Response) => (await jsonOf(res)).result!.tools as Listed[];

    it("tools/list shows each tool's own zod schemas as JSON Schema, alike on both eras and on every request", async () => {
      const all = await everyScope();
      const legacyList = () => postMcp(mcp.mcpUrl, rpc("tools/list"), { token: all });
      const modernList = () => modern("tools/list", {}, { token: all });
      const lists = [await toolsOf(await legacyList()), await toolsOf(await modernList()), await toolsOf(await legacyList()), await toolsOf(await modernList())];
      expect(lists[0]!.length).toBeGreaterThan(10);
      for (const tools of lists) {
        expect(tools).toEqual(lists[0]);
        for (const listed of tools) {
          const tool = mcp.catalogue.find((t) => t.name === listed.name)!;
          // What the SDK makes of a zod schema itself (Standard JSON Schema, draft 2020-12; an input schema is an object).
          expect(listed.inputSchema).toEqual({ type: "object", ...tool.input["~standard"].jsonSchema.input({ target: "draft-2020-12" }) });
          expect(listed.outputSchema).toEqual(tool.output["~standard"].jsonSchema.output({ target: "draft-2020-12" }));
        }
      }
    });

    it("arguments are still checked against the zod schema on both eras: a wrong type is refused before the tool runs", async () => {
      const reader = await mcp.idp.accessToken({ scope: "openid notes.read" });
      const call = rpc("tools/call", { name: "nc_notes_get", arguments: { id: "not-a-number" } });
      const legacy = await jsonOf(await postMcp(mcp.mcpUrl, call, { token: reader }));
      const modernCall = await jsonOf(await modern("tools/call", { name: "nc_notes_get", arguments: { id: "not-a-number" } }, { token: reader }));
      for (const answer of [legacy, modernCall]) {
        expect(answer.result).toMatchObject({ isError: true });
        expect(JSON.stringify(answer.result!.content)).toMatch(/Input validation error/);
      }
    });
  });

  describe("2026-07-28 provisioning and its requestState", () => {
    const call = (options: { token?: string; url?: boolean; name?: string; retry?: { requestState: string } }) =>
      modern(
        "tools/call",
        { name: options.name ?? TOOL, arguments: {}, ...(options.retry ? { inputResponses: { provision_nextcloud: { action: "accept" } }, requestState: options.retry.requestState } : {}) },
        { token: options.token, capabilities: options.url === false ? {} : { elicitation: { url: {} } } },
      );
    let state: string;

    it("a client that declared URL-mode elicitation gets input_required with the provisioning URL and a sealed state", async () => {
      const { result } = await jsonOf(await call({}));
      expect(result!.resultType).toBe("input_required");
      const request = (result!.inputRequests as Record<string, { method: string; params: { mode: string; url: string; message: string } }>).provision_nextcloud!;
      expect(request.method).toBe("elicitation/create");
      expect(request.params.mode).toBe("url");
      expect(request.params.url).toMatch(new RegExp(`^${mcp.appUrl}/oauth/authorize-nextcloud\\?request=[A-Za-z0-9_-]{24}$`));
      expect(request.params.message).toMatch(/account\.read/);
      state = result!.requestState as string;
      // A compact JWE: nothing of the user, the client or the tool readable in it.
      expect(state.split(".")).toHaveLength(5);
      expect(Buffer.from(state.split(".")[0]!, "base64url").toString()).not.toMatch(/alice|test-client/);
      expect(state).not.toContain(TOOL);
    });

    it("a client that did not declare it gets the link in the tool result", async () => {
      const { result } = await jsonOf(await call({ url: false }));
      expect(result).toMatchObject({ resultType: "complete", isError: true });
      expect(JSON.stringify(result!.content)).toMatch(/\/oauth\/authorize-nextcloud\?request=[A-Za-z0-9_-]{24}/);
    });

    it("the retry with the state, by the same user and client, is let through (and asks again: nothing was granted yet)", async () => {
      const { result, error } = await jsonOf(await call({ retry: { requestState: state } }));
      expect(error).toBeUndefined();
      expect(result!.resultType).toBe("input_required");
    });

    const refusedWith = async (res: Response) => {
      const { error, result } = await jsonOf(res);
      expect(result).toBeUndefined();
      expect(error!.code).toBe(-32602);
    };

    it("another user replaying the state is refused", async () => {
      await refusedWith(await call({ token: await mcp.idp.accessToken({ sub: "bob", scope: "openid account.read" }), retry: { requestState: state } }));
    });

    it("the same user through another client is refused", async () => {
      await refusedWith(await call({ token: await mcp.idp.accessToken({ azp: "another-client", scope: "openid account.read" }), retry: { requestState: state } }));
    });

    it("a state minted for another tool is refused (as a tool error: the SDK turns a handler's throw into one)", async () => {
      const res = await call({ name: "nc_notes_search", token: await mcp.idp.accessToken({ scope: "openid account.read notes.read" }), retry: { requestState: state } });
      const { result } = await jsonOf(res);
      expect(result).toMatchObject({ resultType: "complete", isError: true });
      expect(JSON.stringify(result!.content)).toMatch(/requestState was minted for another tool/);
    });

    it("an expired state is refused", async () => {
      const { mintRequestState, REQUEST_STATE_TTL_SECONDS } = await import("@/lib/mcp/request-state");
      const old = await mintRequestState({ sub: "alice", clientId: TEST_CLIENT.clientId }, TOOL, Date.now() - (REQUEST_STATE_TTL_SECONDS + 5) * 1000);
      await refusedWith(await call({ retry: { requestState: old } }));
      // The same, minted now, passes: the refusal above is the expiry alone.
      const fresh = await mintRequestState({ sub: "alice", clientId: TEST_CLIENT.clientId }, TOOL);
      expect((await jsonOf(await call({ retry: { requestState: fresh } }))).result!.resultType).toBe("input_required");
    });

    it("a tampered or made-up state is refused", async () => {
      const [h, k, iv, c, t] = state.split(".");
      const flipped = `${c!.slice(0, -2)}${c!.endsWith("A") ? "B" : "A"}${c!.slice(-1)}`;
      await refusedWith(await call({ retry: { requestState: [h, k, iv, flipped, t].join(".") } }));
      await refusedWith(await call({ retry: { requestState: "not-a-state" } }));
    });
  });
});
