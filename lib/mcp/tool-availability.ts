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
