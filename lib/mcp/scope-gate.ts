/**
 * The HTTP-level scope check of tools/call (MCP 2025-11-25 authorization,
 * "Scope challenge handling"; RFC 6750 §3.1): a call to a tool whose required
 * scopes the token lacks is answered with 403 insufficient_scope before the
 * MCP server runs, so the client can step up. Unknown tools pass through: the
 * MCP server answers them with a tool error.
 */
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { insufficientScopes } from "@/lib/auth/scope-policy";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import type { CatalogueTool } from "@/lib/mcp/tool-definition";

export interface ScopeShortfall {
  tools: string[];
  /** Every scope the refused calls need. */
  needed: string[];
  missing: string[];
}

export function checkToolScopes(messages: readonly JSONRPCMessage[], held: readonly string[], catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE): ScopeShortfall | undefined {
  const tools: string[] = [];
  const needed = new Set<string>();
  const missing = new Set<string>();
  for (const message of messages) {
    if (!("method" in message) || message.method !== "tools/call") continue;
    const name = (message.params as { name?: unknown } | undefined)?.name;
    const tool = typeof name === "string" ? catalogue.find((t) => t.name === name) : undefined;
    if (!tool) continue;
    const lacking = insufficientScopes(tool.requiredScopes, held);
    if (lacking.length === 0) continue;
    tools.push(tool.name);
    tool.requiredScopes.forEach((s) => needed.add(s));
    lacking.forEach((s) => missing.add(s));
  }
  return tools.length > 0 ? { tools, needed: [...needed], missing: [...missing] } : undefined;
}
