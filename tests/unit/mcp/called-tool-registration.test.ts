/**
 * A single tools/call registers only the tool it names (lib/mcp/create-mcp-server.ts): the per-request
 * McpServer skips the registration of tools the request cannot reach, on both protocol versions. Anything
 * else — tools/list, a call naming a tool that does not exist — registers every allowed tool and is
 * answered as before. Authentication is off (NODE_ENV=test only), a three-tool test catalogue.
 */
import { McpServer } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineTool } from "@/lib/mcp/tool-definition";
import { useAuthDisabledMcpHandler } from "../../helpers/auth-disabled-mcp";
import { modernEnvelope } from "../../helpers/mcp-client";

const mcp = useAuthDisabledMcpHandler();

const tool = (name: string) =>
  defineTool({
    name,
    title: name,
    description: `Answers with its name (test catalogue entry ${name}).`,
    input: z.object({}),
    output: z.object({ name: z.string() }),
    annotations: { readOnlyHint: true },
    requiredScopes: [],
    async run() {
      return { structured: { name }, text: name };
    },
  });
const catalogue = [tool("tool_one"), tool("tool_two"), tool("tool_three")];

afterEach(() => vi.restoreAllMocks());

async function post(era: "2025" | "2026", method: "tools/call" | "tools/list", name?: string): Promise<{ registered: string[]; body: Record<string, unknown> }> {
  const registered: string[] = [];
  const original = McpServer.prototype.registerTool;
  vi.spyOn(McpServer.prototype, "registerTool").mockImplementation(function (this: McpServer, ...args: Parameters<typeof original>) {
    registered.push(args[0]);
    return original.apply(this, args);
  } as typeof original);
  const modern = era === "2026";
  const params = { ...(method === "tools/call" ? { name, arguments: {} } : {}), ...(modern ? { _meta: modernEnvelope() } : {}) };
  const response = await mcp().handleMcpPost(
    new Request("http://127.0.0.1:3999/api/mcp", {
      method: "POST",
      headers: {
        host: "127.0.0.1:3999",
        "content-type": "application/json",
        accept: "application/json",
        "mcp-protocol-version": modern ? "2026-07-28" : "2025-11-25",
        ...(modern ? { "mcp-method": method, ...(name ? { "mcp-name": name } : {}) } : {}),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }),
    }),
    { catalogue },
  );
  return { registered, body: (await response.json()) as Record<string, unknown> };
}

describe.each(["2025", "2026"] as const)("MCP %s", (era) => {
  it("a tools/call registers only the named tool, and that tool answers", async () => {
    const { registered, body } = await post(era, "tools/call", "tool_two");
    expect(registered).toEqual(["tool_two"]);
    expect(body.result).toMatchObject({ structuredContent: { name: "tool_two" } });
  });

  it("tools/list registers and lists every allowed tool", async () => {
    const { registered, body } = await post(era, "tools/list");
    expect(registered).toEqual(["tool_one", "tool_two", "tool_three"]);
    expect((body.result as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual(["tool_one", "tool_two", "tool_three"]);
  });

  it("a call to a tool that does not exist registers every allowed tool and is refused as before", async () => {
    const { registered, body } = await post(era, "tools/call", "no_such_tool");
    expect(registered).toEqual(["tool_one", "tool_two", "tool_three"]);
    const refusal = JSON.stringify(body);
    expect(refusal).toContain("no_such_tool");
    expect(refusal).toMatch(/not found/i);
  });
});

describe("calledToolName", () => {
  it.each([
    [{ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "tool_one" } }, "tool_one"],
    [{ jsonrpc: "2.0", id: 1, method: "tools/list", params: { name: "tool_one" } }, undefined],
    [{ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: 3 } }, undefined],
    [{ jsonrpc: "2.0", id: 1, method: "tools/call" }, undefined],
    [{ jsonrpc: "2.0", id: 1, method: "tools/call", params: [] }, undefined],
    [[{ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "tool_one" } }], undefined],
    [null, undefined],
    ["tools/call", undefined],
  ])("%j → %s", (body, expected) => {
    expect(mcp().calledToolName(body)).toBe(expected);
  });
});
