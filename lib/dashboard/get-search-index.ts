/**
 * The dashboard's view of the person's search index: whether it is on,
 * and per source what is indexed and how its background job is doing
 * (last run, next run, items, errors).
 */
import { isSearchEnabled, listSyncJobs, type SyncJobStatus } from "@/lib/search/sync-job-state";
import { indexCoverage } from "@/lib/search/index-store";
import { SOURCE_TITLE, type SearchSource } from "@/lib/search/search-sources";

export interface SearchIndexView {
  enabled: boolean;
  sources: (SyncJobStatus & { title: string; indexed: number })[];
}

export async function getSearchIndex(input: { userId: string }): Promise<SearchIndexView> {
  const [enabled, jobs, coverage] = await Promise.all([isSearchEnabled(input.userId), listSyncJobs(input.userId), indexCoverage(input.userId)]);
  const indexed = (source: SearchSource) => coverage.find((c) => c.source === source)?.items ?? 0;
  return { enabled, sources: jobs.map((j) => ({ ...j, title: SOURCE_TITLE[j.source], indexed: indexed(j.source) })) };
}
