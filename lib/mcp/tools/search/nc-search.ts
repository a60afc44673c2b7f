/**
 * nc_search: one ranked search across the caller's Nextcloud notes, files,
 * calendar events, contacts and Deck cards, from the search index the background sync keeps
 * (lib/jobs/run-sync-jobs.ts). Only sources whose read scope both the
 * caller's token and the stored grant hold are searched (search-access.ts),
 * and every hit is checked against Nextcloud with the caller's session token
 * before it is returned (lib/search/verify-hits.ts): a hit that is gone,
 * changed or no longer permitted is dropped and its source re-synced.
 */
import { z } from "zod";
import { formatScope } from "@/lib/auth/scopes";
import { isSearchEnabled, requestSync } from "@/lib/search/sync-job-state";
import { requireProvisioning, errorResult } from "@/lib/mcp/provisioning-guard";
import { markSandboxOrigin } from "@/lib/mcp/mark-sandbox-origin";
import { outcomeResult, describeTool, type CatalogueTool } from "@/lib/mcp/tool-definition";
import { usesSandbox } from "@/lib/nextcloud/nextcloud-base-url";
import { searchIndex } from "@/lib/search/index-store";
import { SEARCH_SOURCES, SOURCE_SCOPE, type SearchSource } from "@/lib/search/search-sources";
import { verifyHits } from "@/lib/search/verify-hits";
import { SEARCH_READ_SCOPES, searchAccess } from "./search-access";

const input = z.object({
  query: z.string().trim().min(1).max(200).describe('Words to look for, e.g. "trip Lisbon". Every word counts as a prefix ("trip" finds "trips"); items with all words rank first.'),
  sources: z.array(z.enum(SEARCH_SOURCES)).min(1).optional().describe("Only these sources (default: every source you can read)."),
  limit: z.number().int().min(1).max(50).default(10),
});

const hit = z.object({
  source: z.enum(SEARCH_SOURCES),
  id: z.string().describe('Note id (nc_notes_get); file path (nc_webdav_read_file), a folder path ends with /; event "<calendar>/<id>" (nc_calendar_get_event with calendar and id); contact "<address book>/<id>" (nc_contacts_get with address_book and id); Deck card "<board>/<stack>/<card>" (nc_deck_get_card with board_id and card_id).'),
  title: z.string(),
  snippet: z.string().describe("Matching text; matches are between « and »."),
  last_modified: z.string().nullable().describe("Last change in Nextcloud, ISO 8601."),
  score: z.number(),
});

const output = z.object({
  query: z.string(),
  sources: z.array(z.enum(SEARCH_SOURCES)),
  hits: z.array(hit),
  dropped: z.number().int().describe("Hits the index had but Nextcloud no longer confirms (deleted, changed or not permitted); they are being re-synced."),
  notice: z.string().nullable(),
});

const spec = {
  name: "nc_search",
  title: "Search your Nextcloud",
  description:
    "Searches your Nextcloud notes (title, category, text), files (names, paths, text of txt/md/csv/html files), calendar events (title, start, location, description), contacts (name, emails, phones, organisation) and Deck cards (title, description, board and list names) at once, ranked by relevance, from a search index this server keeps up to date in the background. Each hit is re-checked in Nextcloud before it is returned. Open a hit with nc_notes_get, nc_webdav_read_file, nc_calendar_get_event, nc_contacts_get or nc_deck_get_card.",
  input,
  output,
  annotations: { title: "Search your Nextcloud", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  requiredScopes: [],
  listedWithAnyOf: SEARCH_READ_SCOPES,
};

export const ncSearch: CatalogueTool = {
  ...describeTool(spec),
  async invoke(args, context) {
    const { query, sources: only, limit } = input.parse(args ?? {});
    const { caller } = context;
    const access = await searchAccess(caller);
    const requested = access.requested.filter((s) => !only || only.includes(s));
    if (requested.length === 0) return errorResult(`nc_search needs ${formatScope(SEARCH_READ_SCOPES)} (any of them) for the sources you asked for.`);
    const allowed = access.allowed.filter((s) => requested.includes(s));
    // No source the grant covers yet: the guard answers with a provisioning link for the caller's read scopes.
    const scopes = (allowed.length > 0 ? allowed : requested).map((s) => SOURCE_SCOPE[s]);
    const guard = await requireProvisioning({ caller, exchange: context.exchange, tool: spec.name, scopes });
    if (!guard.ok) return guard.result;
    const searched: SearchSource[] = allowed.length > 0 ? allowed : requested;

    if (!(await isSearchEnabled(caller.sub))) {
      return errorResult("Your search index is switched off, so nc_search has nothing to search. Turn it on in the dashboard (Nextcloud → Search index), or use nc_notes_search / nc_webdav_search_files.");
    }
    const candidates = await searchIndex(caller.sub, searched, query, limit * 2);
    const verdicts = await verifyHits({ token: guard.token, credential: guard.credential }, candidates, context.signal);
    const confirmed = candidates.filter((_, i) => verdicts[i] === "current").slice(0, limit);
    const stale = [...new Set(candidates.filter((_, i) => verdicts[i] === "stale").map((h) => h.source))];
    for (const source of stale) await requestSync(caller.sub, source);
    const dropped = verdicts.filter((v) => v !== "current").length;

    const hits = confirmed.map((h) => ({ source: h.source, id: h.itemId, title: h.title, snippet: h.snippet, last_modified: h.lastModified?.toISOString() ?? null, score: Math.round(h.rank * 1000) / 1000 }));
    const left = requested.filter((s) => !searched.includes(s));
    const notice = left.length > 0 ? `Not searched: ${left.join(", ")} (your Nextcloud access does not include ${formatScope(left.map((s) => SOURCE_SCOPE[s]))}).` : null;
    const lines = hits.map((h) => `- [${h.source}] ${h.id}${h.title && h.source !== "files" ? ` "${h.title}"` : ""}${h.last_modified ? ` (changed ${h.last_modified})` : ""}: ${h.snippet}`);
    const header = hits.length > 0 ? `${hits.length} hit${hits.length === 1 ? "" : "s"} for "${query}" in ${searched.join(" and ")}:` : `No hits for "${query}" in ${searched.join(" and ")}.`;
    const droppedLine = dropped > 0 ? `\n(${dropped} indexed hit${dropped === 1 ? " was" : "s were"} dropped: Nextcloud no longer confirms them; the index is being refreshed.)` : "";
    const result = outcomeResult({
      structured: { query, sources: searched, hits, dropped, notice },
      text: `${header}\n${lines.join("\n")}${droppedLine}${notice ? `\n${notice}` : ""}`.trim(),
    });
    return usesSandbox() ? markSandboxOrigin(result) : result;
  },
};
