/**
 * Which tools the Nextcloud can serve: a tool needs the apps its scopes need
 * (ScopeInfo.requiresApp: notes.* → Notes, deck.* → Deck, files.share →
 * files_sharing), and tools/list leaves out the tools of an app the
 * Nextcloud's capabilities do not name (lib/nextcloud/capabilities.ts). The
 * scopes stay offered and grantable: an admin may enable the app later, and
 * the tools then appear without a new consent.
 *
 * Fail open: while nothing is known (no tool call has read the capabilities
 * yet, or reading failed) every tool is listed, and a call reports
 * Nextcloud's real error.
 */
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { insufficientScopes } from "@/lib/auth/scope-policy";
import { scopeInfo } from "@/lib/auth/scopes";
import { knownCapabilities, type NextcloudCapabilities } from "@/lib/nextcloud/capabilities";
import type { CatalogueTool } from "@/lib/mcp/tool-definition";

/** The capability keys of the apps a tool needs. */
export function appsRequiredBy(tool: Pick<CatalogueTool, "requiredScopes">): string[] {
  return [...new Set(tool.requiredScopes.map((s) => scopeInfo(s)?.requiresApp).filter((a): a is string => a !== undefined))];
}

/** The apps of `scopes` that the Nextcloud is known not to have (empty while unknown). */
export function missingAppsFor(scopes: readonly string[], capabilities: NextcloudCapabilities | undefined = knownCapabilities()): string[] {
  if (!capabilities) return [];
  return appsRequiredBy({ requiredScopes: scopes }).filter((app) => !capabilities.apps.has(app));
}

/** The tools whose apps the Nextcloud has (all of them while unknown). */
export function availableTools<T extends Pick<CatalogueTool, "requiredScopes">>(tools: readonly T[], capabilities: NextcloudCapabilities | undefined = knownCapabilities()): T[] {
  if (!capabilities) return [...tools];
  return tools.filter((tool) => missingAppsFor(tool.requiredScopes, capabilities).length === 0);
}

/** The app's name as people know it, for pages and messages. */
export function appTitle(app: string): string {
  return ({ notes: "Notes", deck: "Deck", files_sharing: "File sharing" } as Record<string, string>)[app] ?? app;
}

/** What a tool answers when its app is missing (tools/call by name, or the app vanished after listing). */
export function unavailableMessage(tool: string, apps: readonly string[]): string {
  const names = apps.map(appTitle).join(" and ");
  return `${tool} is not available: this Nextcloud does not have the ${names} app (not installed, or not enabled). Ask its admin to enable it; the tool appears again once it is. Your granted access stays as it is.`;
}

/**
 * A tools/call for a tool the token's scopes allow but tools/list left out
 * because its app is missing: the MCP server does not have it registered, so
 * it would answer only "Tool … not found" (-32602). The HTTP layer answers
 * this call itself with the same code and the reason, so a model that calls
 * it by name learns why (handle-mcp-request.ts).
 */
export function unavailableToolCall(
  messages: readonly JSONRPCMessage[],
  held: readonly string[],
  catalogue: readonly Pick<CatalogueTool, "name" | "requiredScopes">[],
  capabilities: NextcloudCapabilities | undefined = knownCapabilities(),
): { id: string | number; message: string } | undefined {
  if (!capabilities) return undefined;
  for (const message of messages) {
    if (!("method" in message) || message.method !== "tools/call" || !("id" in message)) continue;
    const name = (message.params as { name?: unknown } | undefined)?.name;
    const tool = catalogue.find((t) => t.name === name);
    if (!tool || insufficientScopes(tool.requiredScopes, held).length > 0) continue;
    const missing = missingAppsFor(tool.requiredScopes, capabilities);
    if (missing.length > 0) return { id: message.id as string | number, message: unavailableMessage(tool.name, missing) };
  }
  return undefined;
}
