/**
 * Which index sources a search caller may see: a source's read scope must be
 * held by the caller's MCP token (what the client was granted) and by the
 * stored Nextcloud grant (what the person provisioned). Hits from any other
 * source are never read from the index.
 */
import type { CallerIdentity } from "@/lib/mcp/caller";
import { findCallerGrant } from "@/lib/mcp/caller-grant";
import { SEARCH_SOURCES, SOURCE_SCOPE, sourcesCoveredBy, type SearchSource } from "@/lib/search/search-sources";

export const SEARCH_READ_SCOPES: readonly string[] = SEARCH_SOURCES.map((s) => SOURCE_SCOPE[s]);

export interface SearchAccess {
  /** Sources the caller's token may read. */
  requested: SearchSource[];
  /** Of those, the ones the stored grant covers too. */
  allowed: SearchSource[];
}

export async function searchAccess(caller: CallerIdentity): Promise<SearchAccess> {
  const requested = sourcesCoveredBy(caller.scopes);
  const grant = await findCallerGrant(caller);
  const allowed = grant?.active ? sourcesCoveredBy(caller.scopes, grant.scopes) : [];
  return { requested, allowed };
}
