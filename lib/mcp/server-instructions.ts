/**
 * The MCP server's `instructions` (MCP 2025-11-25 lifecycle, InitializeResult):
 * what the model reads before it picks tools. It names only the areas some
 * tool covers (lib/mcp/offered-scopes.ts) and says, in two sentences, how
 * provisioning looks from the model's side: a first Nextcloud call may answer
 * with a link for the person; after they finish, the same call works.
 */
import type { ScopeApp } from "@/lib/auth/scopes";
import { offeredApps } from "@/lib/mcp/offered-scopes";
import type { CatalogueTool } from "@/lib/mcp/tool-definition";

const AREA_NOUNS: Readonly<Record<ScopeApp, string>> = {
  account: "account details",
  notes: "notes",
  files: "files",
  calendar: "calendars",
  contacts: "contacts",
  deck: "Deck boards",
};

export function serverInstructions(catalogue: readonly CatalogueTool[]): string {
  const areas = offeredApps(catalogue).map((app) => AREA_NOUNS[app]);
  const what = areas.length > 0 ? `Tools for the user's Nextcloud ${areas.join(", ")}.` : "Tools for the user's Nextcloud.";
  return (
    `${what} The first Nextcloud tool call may answer with a link instead of a result: give it to the user to open ` +
    "(it lets this server access their Nextcloud), and once they have finished, call the same tool again." +
    (catalogue.some((t) => t.name === "nc_search") ? " To find something without knowing where it is, start with nc_search (notes, files, calendar events and contacts at once)." : "")
  );
}
