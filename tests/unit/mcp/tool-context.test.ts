/**
 * Tool code never holds the caller's raw MCP access token (issue 19): the
 * types make reaching it an error (the @ts-expect-error lines below fail
 * `tsc --noEmit` the day a token field comes back), and at run time the
 * context the MCP server hands every catalogue tool holds no copy of it.
 */
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { NextcloudToolContext } from "@/lib/mcp/define-nextcloud-tool";
import { createMcpServer } from "@/lib/mcp/create-mcp-server";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import { buildToolContext } from "@/lib/mcp/tool-context";
import { defineTool, type CatalogueTool, type InvocationContext, type ToolContext } from "@/lib/mcp/tool-definition";

const TOKEN = "eyJhbGciOiJFUzI1NiJ9.the-raw-mcp-access-token-of-alice.c2lnbmF0dXJl";
const authInfo: AuthInfo = { token: TOKEN, clientId: "client-1", scopes: TOOL_CATALOGUE.flatMap((t) => t.requiredScopes), expiresAt: 2_000_000_000, extra: { sub: "alice" } };

// Compile-time: none of these is reachable from what a tool's `run` receives.
export function typeChecks(context: ToolContext, nextcloud: NextcloudToolContext, invocation: InvocationContext): unknown[] {
  return [
    // @ts-expect-error ToolContext has no AuthInfo
    context.authInfo,
    // @ts-expect-error ToolContext has no token
    context.token,
    // @ts-expect-error the exchange capability is for the tool wrappers, not for `run`
    context.exchange,
    // @ts-expect-error a Nextcloud tool's context has its session token, not the MCP token
    nextcloud.authInfo,
    // @ts-expect-error not even the invocation context (the wrappers' view) carries the token
    invocation.authInfo,
    // @ts-expect-error caller identity has no token either
    context.caller.token,
  ];
}

/** Every string reachable from `value` (own properties, symbols and non-enumerable ones included; functions' own properties too). */
function reachableStrings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === "string") return [value];
  if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  for (const key of Reflect.ownKeys(value)) {
    if (typeof value === "function" && (key === "caller" || key === "arguments")) continue;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && "value" in descriptor) out.push(...reachableStrings(descriptor.value, seen));
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto && proto !== Object.prototype && proto !== Function.prototype && !(value instanceof AbortSignal)) out.push(...reachableStrings(proto, seen));
  return out;
}

describe("the context tools receive", () => {
  it("the invocation context holds the caller and signal but no copy of the MCP token", () => {
    const context = buildToolContext(authInfo, new AbortController().signal);
    expect(context.caller.sub).toBe("alice");
    expect(Object.keys(context).sort()).toEqual(["caller", "exchange", "signal"]);
    expect(reachableStrings(context).filter((s) => s.includes(TOKEN) || s.includes("the-raw-mcp-access-token"))).toEqual([]);
    expect(Object.isFrozen(context)).toBe(true);
  });

  it("every catalogue tool is invoked by the MCP server with a context that holds no token string", async () => {
    const seen = new Map<string, InvocationContext>();
    const spies: CatalogueTool[] = TOOL_CATALOGUE.map((tool) => ({
      ...tool,
      input: z.object({}).passthrough(),
      output: z.object({}).passthrough(),
      async invoke(_args, context) {
        seen.set(tool.name, context);
        return { content: [{ type: "text", text: "ok" }], structuredContent: {} };
      },
    }));
    const server = createMcpServer(authInfo, spies);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    // The HTTP layer attaches the verified AuthInfo to every message; the in-memory transport does so here.
    const send = serverSide.onmessage!;
    serverSide.onmessage = (message, extra) => send(message, { ...extra, authInfo });
    const client = new Client({ name: "walker", version: "1" });
    await client.connect(clientSide);
    for (const tool of TOOL_CATALOGUE) await client.callTool({ name: tool.name, arguments: {} });
    await client.close();
    expect([...seen.keys()].sort()).toEqual(TOOL_CATALOGUE.map((t) => t.name).sort());
    for (const [name, context] of seen) {
      expect({ name, leaks: reachableStrings(context).filter((s) => s.includes(TOKEN)) }).toEqual({ name, leaks: [] });
      expect(Object.keys(context).sort()).toEqual(["caller", "exchange", "signal"]);
    }
  });

  it("a tool's run gets only the caller and the signal, not the exchange capability", async () => {
    let received: ToolContext | undefined;
    const tool = defineTool({
      name: "probe",
      title: "Probe",
      description: "records its context",
      input: z.object({}),
      output: z.object({}),
      annotations: {},
      requiredScopes: [],
      async run(_input, context) {
        received = context;
        return { structured: {}, text: "ok" };
      },
    });
    await tool.invoke({}, buildToolContext(authInfo, new AbortController().signal));
    expect(Object.keys(received!).sort()).toEqual(["caller", "signal"]);
    expect(reachableStrings(received).filter((s) => s.includes(TOKEN))).toEqual([]);
  });
});
