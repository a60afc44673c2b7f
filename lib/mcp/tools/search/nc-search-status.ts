/**
 * nc_search_status: what the search index holds for the caller and how
 * fresh it is, per source the caller may search — items, last and next
 * sync, errors — and whether the index is switched on. Reads only this
 * server's database (no Nextcloud request, no token exchange).
 */
import { z } from "zod";
import { isSearchEnabled, listSyncJobs } from "@/lib/search/sync-job-state";
import { defineTool } from "@/lib/mcp/tool-definition";
import { indexCoverage } from "@/lib/search/index-store";
import { SEARCH_SOURCES, sourcesCoveredBy } from "@/lib/search/search-sources";
import { SEARCH_READ_SCOPES } from "./search-access";

const source = z.object({
  source: z.enum(SEARCH_SOURCES),
  items: z.number().int().describe("Items in the index."),
  last_sync: z.string().nullable().describe("Last successful sync, ISO 8601."),
  next_sync: z.string().nullable(),
  syncing: z.boolean(),
  errors: z.number().int(),
  last_error: z.string().nullable(),
});

export const ncSearchStatus = defineTool({
  name: "nc_search_status",
  title: "Search index status",
  description: "Shows what nc_search can find: per source (notes, files, calendar, contacts, deck) how many items the index holds, when it was last brought up to date, when the next sync runs, and any sync errors.",
  input: z.object({}),
  output: z.object({ enabled: z.boolean(), sources: z.array(source) }),
  annotations: { title: "Search index status", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  requiredScopes: [],
  listedWithAnyOf: SEARCH_READ_SCOPES,
  async run(_input, { caller }) {
    const enabled = await isSearchEnabled(caller.sub);
    const visible = sourcesCoveredBy(caller.scopes);
    const [jobs, coverage] = await Promise.all([listSyncJobs(caller.sub), indexCoverage(caller.sub)]);
    const sources = visible.map((s) => {
      const job = jobs.find((j) => j.source === s);
      return {
        source: s,
        items: coverage.find((c) => c.source === s)?.items ?? 0,
        last_sync: job?.lastSuccessAt?.toISOString() ?? null,
        next_sync: job ? job.nextRunAt.toISOString() : null,
        syncing: job?.running ?? false,
        errors: job?.errors ?? 0,
        last_error: job?.lastError ?? null,
      };
    });
    const lines = sources.map(
      (s) =>
        `- ${s.source}: ${s.items} item${s.items === 1 ? "" : "s"}, ${s.last_sync ? `last synced ${s.last_sync}` : "not synced yet"}${s.syncing ? " (syncing now)" : s.next_sync ? `, next ${s.next_sync}` : ""}${s.last_error ? `; last error: ${s.last_error}` : ""}`,
    );
    const text = enabled
      ? `Search index is on.\n${lines.join("\n")}`
      : "Search index is switched off (nothing is indexed). Turn it on in the dashboard under Nextcloud → Search index.";
    return { structured: { enabled, sources: enabled ? sources : [] }, text };
  },
});
