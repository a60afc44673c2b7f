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
import { SEARCH_SOURCES } from "@/lib/search/search-sources";

/** What nc_search finds per source (a source is named only when its app's tools are offered). */
const SEARCH_NOUNS: Readonly<Record<(typeof SEARCH_SOURCES)[number], string>> = { notes: "notes", files: "files", calendar: "calendar events", contacts: "contacts", deck: "Deck cards" };

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

const AREA_NOUNS: Readonly<Record<ScopeApp, string>> = {
  account: "account details",
  notes: "notes",
  files: "files",
  calendar: "calendars",
  contacts: "contacts",
  deck: "Deck boards",
};

export function serverInstructions(catalogue: readonly CatalogueTool[]): string {
  const apps = offeredApps(catalogue);
  const areas = apps.map((app) => AREA_NOUNS[app]);
  const searched = SEARCH_SOURCES.filter((s) => (apps as readonly string[]).includes(s)).map((s) => SEARCH_NOUNS[s]);
  const what = areas.length > 0 ? `Tools for the user's Nextcloud ${areas.join(", ")}.` : "Tools for the user's Nextcloud.";
  return (
    `${what} The first Nextcloud tool call may answer with a link instead of a result: give it to the user to open ` +
    "(it lets this server access their Nextcloud), and once they have finished, call the same tool again." +
    (catalogue.some((t) => t.name === "nc_search") && searched.length > 0 ? ` To find something without knowing where it is, start with nc_search (${joinWords(searched)} at once).` : "")
  );
}
