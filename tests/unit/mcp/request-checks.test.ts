import { describe, expect, it } from "vitest";
import { z } from "zod";
import { corsHeaders, preflightResponse, withCors } from "@/lib/http/cors";
import { checkRequestOrigin } from "@/lib/http/request-origin";
import { authDisabledAuthInfo, callerFromAuthInfo, MissingCallerError, subjectTokenOf } from "@/lib/mcp/caller";
import { MAX_BODY_BYTES, readJsonRpcBody } from "@/lib/mcp/read-json-rpc-body";
import { chooseResponseMode } from "@/lib/mcp/response-mode";
import { checkToolScopes } from "@/lib/mcp/scope-gate";
import { defineTool } from "@/lib/mcp/tool-definition";

const post = (body: string, headers: Record<string, string> = {}) => new Request("https://mcp.example/api/mcp", { method: "POST", body, headers });
const rpc = (method: string, params?: object, id = 1) => ({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) });

describe("JSON-RPC body checks", () => {
  it("accepts one message or a small batch", async () => {
    const one = await readJsonRpcBody(post(JSON.stringify(rpc("ping"))));
    expect(one.ok && one.messages).toHaveLength(1);
    const batch = await readJsonRpcBody(post(JSON.stringify([rpc("ping", undefined, 1), rpc("ping", undefined, 2)])));
    expect(batch.ok && batch.messages).toHaveLength(2);
  });

  it.each([
    ["not JSON", "{", 400, -32700],
    ["a JSON string", '"hello"', 400, -32600],
    ["a JSON-RPC 1.0 message", '{"id":1,"method":"ping"}', 400, -32600],
    ["an empty batch", "[]", 400, -32600],
    ["an 11-message batch", JSON.stringify(Array.from({ length: 11 }, (_, i) => rpc("ping", undefined, i))), 400, -32600],
    ["a batch with one bad element", JSON.stringify([rpc("ping"), { hello: 1 }]), 400, -32600],
  ])("answers %s with HTTP %i and JSON-RPC %i", async (_name, body, status, code) => {
    const result = await readJsonRpcBody(post(body));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.response.status).toBe(status);
    expect((await result.response.json()).error.code).toBe(code);
  });

  it("refuses bodies over 1 MiB by declared length without reading, and by counting when undeclared", async () => {
    const declared = await readJsonRpcBody(post("{}", { "content-length": String(MAX_BODY_BYTES + 1) }));
    expect(!declared.ok && declared.response.status).toBe(413);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(256 * 1024).fill(32));
        if (pulled > 100) controller.close();
      },
    });
    const streamed = await readJsonRpcBody(new Request("https://mcp.example/api/mcp", { method: "POST", body: stream, duplex: "half" } as RequestInit));
    expect(!streamed.ok && streamed.response.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });
});

describe("response mode (Accept)", () => {
  it.each([
    ["application/json, text/event-stream", "json"],
    ["text/event-stream", "sse"],
    ["application/json;q=0, text/event-stream", "sse"],
    ["*/*", "json"],
    [null, "json"],
    ["text/html", undefined],
  ])("%s → %s", (accept, mode) => {
    expect(chooseResponseMode(accept)).toBe(mode);
  });
});

describe("Host and Origin (DNS rebinding)", () => {
  const config = { APP_URL: "https://mcp.example", ALLOWED_ORIGINS: ["https://claude.ai"], TRUST_PROXY: false };
  const check = (headers: Record<string, string>, overrides = {}) => checkRequestOrigin(new Headers(headers), { ...config, ...overrides });

  it("accepts this app's host, with no Origin, its own Origin or an allowed one", () => {
    expect(check({ host: "mcp.example" })).toEqual({ ok: true, origin: null });
    expect(check({ host: "MCP.example:443", origin: "https://mcp.example" })).toEqual({ ok: true, origin: "https://mcp.example" });
    expect(check({ host: "mcp.example", origin: "https://claude.ai" }).ok).toBe(true);
  });

  it("refuses a foreign Host, a folded Host, a foreign or opaque Origin", () => {
    expect(check({ host: "evil.example" }).ok).toBe(false);
    expect(check({ host: "mcp.example, evil.example" }).ok).toBe(false);
    expect(check({ host: "mcp.example:8443" }).ok).toBe(false);
    expect(check({ host: "mcp.example", origin: "https://evil.example" }).ok).toBe(false);
    expect(check({ host: "mcp.example", origin: "null" }).ok).toBe(false);
    expect(check({ host: "mcp.example", origin: "http://mcp.example" }).ok).toBe(false);
  });

  it("reads X-Forwarded-Host only behind a trusted proxy", () => {
    expect(check({ host: "10.0.0.5:3000", "x-forwarded-host": "mcp.example" }).ok).toBe(false);
    expect(check({ host: "10.0.0.5:3000", "x-forwarded-host": "mcp.example" }, { TRUST_PROXY: true }).ok).toBe(true);
    expect(check({ host: "mcp.example", "x-forwarded-host": "evil.example" }, { TRUST_PROXY: true }).ok).toBe(false);
  });

  it("exposes the challenge headers and answers preflights", () => {
    expect(corsHeaders({ kind: "trusted", origin: "https://claude.ai" })).toMatchObject({ "Access-Control-Allow-Origin": "https://claude.ai", "Access-Control-Expose-Headers": "WWW-Authenticate, Mcp-Session-Id", Vary: "Origin" });
    const preflight = preflightResponse({ kind: "trusted", origin: "https://claude.ai" }, ["POST", "OPTIONS"]);
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Mcp-Protocol-Version");
    expect(withCors(new Response("x"), undefined).headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("tool scopes", () => {
  const scoped = defineTool({
    name: "read_notes",
    title: "t",
    description: "d",
    input: z.object({}),
    output: z.object({ n: z.number() }),
    annotations: {},
    requiredScopes: ["notes.read"],
    run: async () => ({ structured: { n: 1 }, text: "1" }),
  });
  const open = { ...scoped, name: "open_tool", requiredScopes: [] };
  const call = (name: string, id = 1) => ({ jsonrpc: "2.0" as const, id, method: "tools/call", params: { name, arguments: {} } });

  it("lets calls through when the token holds the tool's scopes, and ignores unknown tools and other methods", () => {
    expect(checkToolScopes([call("read_notes")], ["notes.read"], [scoped])).toBeUndefined();
    expect(checkToolScopes([call("no_such_tool"), { jsonrpc: "2.0", id: 2, method: "tools/list" }], [], [scoped])).toBeUndefined();
    expect(checkToolScopes([call("open_tool")], [], [open])).toBeUndefined();
  });

  it("names every refused tool and scope, also inside a batch", () => {
    expect(checkToolScopes([call("open_tool", 1), call("read_notes", 2)], ["files.read"], [scoped, open])).toEqual({ tools: ["read_notes"], needed: ["notes.read"], missing: ["notes.read"] });
  });
});

describe("caller identity", () => {
  it("gives tools the caller without the token, and the token only to the broker", () => {
    const info = { token: "raw", clientId: "c", scopes: ["notes.read"], expiresAt: 10, extra: { sub: "alice", authDisabled: false } };
    const caller = callerFromAuthInfo(info);
    expect(caller).toEqual({ sub: "alice", clientId: "c", scopes: ["notes.read"], expiresAt: 10, authDisabled: false });
    expect(JSON.stringify(caller)).not.toContain("raw");
    expect(subjectTokenOf(info)).toBe("raw");
  });

  it("refuses a missing identity and never hands out a token on an auth-disabled instance", () => {
    expect(() => callerFromAuthInfo(undefined)).toThrow(MissingCallerError);
    expect(() => callerFromAuthInfo({ token: "t", clientId: "c", scopes: [] })).toThrow(MissingCallerError);
    expect(() => subjectTokenOf(authDisabledAuthInfo("https://mcp.example/api/mcp"))).toThrow(MissingCallerError);
  });
});
