/**
 * The search index's rows (search_documents): written by the sync jobs,
 * searched by nc_search. Every statement names the user: a query without a
 * user id cannot be written with these functions, so one person's rows are
 * never returned to another (tests/integration/search-index.test.ts).
 *
 * Ranking is PostgreSQL full-text search: the generated `search_vector`
 * (title weight A, body B; GIN index) matched against a prefix tsquery built
 * from the words of the query, ordered by ts_rank; the snippet is
 * ts_headline of the body (PostgreSQL docs, "Controlling Text Search").
 */
import { db, Prisma } from "@/lib/db";
import type { SearchSource } from "./search-sources";

export interface IndexedDocument {
  itemId: string;
  title: string;
  body: string;
  etag: string | null;
  lastModified: Date | null;
}

export interface SearchHit {
  source: SearchSource;
  itemId: string;
  title: string;
  snippet: string;
  etag: string | null;
  lastModified: Date | null;
  rank: number;
}

/** Stored body cap (characters): enough for a snippet and a fair rank, bounded per row. */
export const MAX_BODY_CHARS = 64 * 1024;

type Tx = Prisma.TransactionClient;

/** The stored etag of every item of `source` (what a sync compares against). */
export async function indexedEtags(userId: string, source: SearchSource): Promise<Map<string, string | null>> {
  const prisma = await db();
  const rows = await prisma.searchDocument.findMany({ where: { userId, source }, select: { itemId: true, etag: true } });
  return new Map(rows.map((r) => [r.itemId, r.etag]));
}

/**
 * Applies a sync run: the rows of `upserts` replace the stored ones, `deletes` go. Batched
 * (one deleteMany, createMany per 500 rows), so a first sync of thousands of items is a few statements.
 */
export async function replaceDocuments(tx: Tx, userId: string, source: SearchSource, upserts: readonly IndexedDocument[], deletes: readonly string[]): Promise<void> {
  const touched = [...new Set([...deletes, ...upserts.map((d) => d.itemId)])];
  for (let i = 0; i < touched.length; i += 1000) {
    await tx.searchDocument.deleteMany({ where: { userId, source, itemId: { in: touched.slice(i, i + 1000) } } });
  }
  const rows = upserts.map((d) => ({ userId, source, itemId: d.itemId, title: d.title.slice(0, 1000), body: d.body.slice(0, MAX_BODY_CHARS), etag: d.etag, lastModified: d.lastModified }));
  for (let i = 0; i < rows.length; i += 500) await tx.searchDocument.createMany({ data: rows.slice(i, i + 500) });
}

/** Everything indexed for the user (search switched off, access revoked), or one source of it. */
export async function deleteUserIndex(userId: string, source?: SearchSource, tx?: Tx): Promise<number> {
  const client = tx ?? (await db());
  const { count } = await client.searchDocument.deleteMany({ where: { userId, ...(source ? { source } : {}) } });
  return count;
}

/**
 * The words of a query as a prefix tsquery ("trip notes" → `trip:* & notes:*`).
 * Only letters and digits reach the tsquery syntax, so no query text can be
 * an operator; `any` joins with | (the fallback when no item has every word).
 */
export function toPrefixTsquery(query: string, join: "all" | "any"): string | null {
  const words = [...new Set((query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16))];
  if (words.length === 0) return null;
  return words.map((w) => `${w.slice(0, 60)}:*`).join(join === "all" ? " & " : " | ");
}

interface HitRow {
  source: string;
  item_id: string;
  title: string;
  snippet: string;
  etag: string | null;
  last_modified: Date | null;
  rank: number;
}

async function rankedHits(userId: string, sources: readonly SearchSource[], tsquery: string, limit: number): Promise<SearchHit[]> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<HitRow[]>`
    SELECT source, item_id, title, etag, last_modified,
           ts_rank(search_vector, q)::float8 AS rank,
           ts_headline('simple'::regconfig, left(body, 4000), q, 'MaxWords=30, MinWords=12, MaxFragments=2, StartSel=«, StopSel=»') AS snippet
      FROM search_documents, to_tsquery('simple'::regconfig, ${tsquery}) AS q
     WHERE user_id = ${userId} AND source IN (${Prisma.join([...sources])}) AND search_vector @@ q
     ORDER BY rank DESC, last_modified DESC NULLS LAST
     LIMIT ${limit}`;
  return rows.map((r) => ({ source: r.source as SearchSource, itemId: r.item_id, title: r.title, snippet: r.snippet.replace(/\s+/g, " ").trim(), etag: r.etag, lastModified: r.last_modified, rank: Number(r.rank) }));
}

/** Ranked hits of `userId`'s own rows in `sources`: every word first, any word when nothing has all. */
export async function searchIndex(userId: string, sources: readonly SearchSource[], query: string, limit: number): Promise<SearchHit[]> {
  if (!userId || sources.length === 0) return [];
  const all = toPrefixTsquery(query, "all");
  if (!all) return [];
  const hits = await rankedHits(userId, sources, all, limit);
  if (hits.length > 0 || !all.includes("&")) return hits;
  return rankedHits(userId, sources, toPrefixTsquery(query, "any")!, limit);
}

export interface SourceCoverage {
  source: SearchSource;
  items: number;
  newest: Date | null;
}

export async function indexCoverage(userId: string): Promise<SourceCoverage[]> {
  const prisma = await db();
  const rows = await prisma.searchDocument.groupBy({ by: ["source"], where: { userId }, _count: { _all: true }, _max: { indexedAt: true } });
  return rows.map((r) => ({ source: r.source as SearchSource, items: r._count._all, newest: r._max.indexedAt }));
}
