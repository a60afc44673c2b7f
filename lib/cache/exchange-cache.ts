/**
 * EXCHANGE_CACHE=memory: exchanged session tokens kept in this process's
 * memory until shortly before they expire, keyed by a hash of the subject
 * token and the exact scopes — so a token is only ever reused for the same
 * MCP token asking for the same scopes, never across users or clients.
 * Bounded in size; nothing is written anywhere. Off by default: every tool
 * call then exchanges afresh.
 *
 * Each entry remembers the Nextcloud grant (its row id) the token was issued
 * under, and the broker uses an entry only after checking, in the database,
 * that this grant still exists and is active (exchange-session-token.ts).
 * Revocation at any instance deletes the row, so no instance keeps using a
 * cached token after it: clearing this process's cache on revocation alone
 * would only cover the instance that revoked.
 */
import { createHash } from "node:crypto";
import { processWide } from "@/lib/process-wide";
import { isExpired, type SessionNextcloudToken } from "@/lib/tokens/token-types";

const MAX_ENTRIES = 1_000;
/** Do not hand out a token that expires within this margin (the call still has to reach Nextcloud). */
const MARGIN_SECONDS = 10;

export interface CachedExchange {
  token: SessionNextcloudToken;
  /** The id of the Nextcloud grant row the token was issued under. */
  grantId: string;
}

const entries = () => processWide("exchange-cache", () => new Map<string, CachedExchange>());

export function exchangeCacheKey(subjectToken: string, scopes: readonly string[]): string {
  return createHash("sha256").update(subjectToken).update("\n").update([...new Set(scopes)].sort().join(" ")).digest("base64url");
}

/** The entry, unless it is about to expire; the caller still checks its grant before using the token. */
export function readCachedExchange(key: string, now = Date.now()): CachedExchange | undefined {
  const cache = entries();
  const entry = cache.get(key);
  if (!entry) return undefined;
  if (isExpired(entry.token, MARGIN_SECONDS, now)) {
    cache.delete(key);
    return undefined;
  }
  return entry;
}

export function cacheExchange(key: string, entry: CachedExchange, now = Date.now()): void {
  const cache = entries();
  if (isExpired(entry.token, MARGIN_SECONDS, now)) return;
  for (const [k, e] of cache) if (isExpired(e.token, MARGIN_SECONDS, now)) cache.delete(k);
  // Maps iterate in insertion order: drop the oldest when full.
  while (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, entry);
}

export function forgetCachedExchange(key: string): void {
  entries().delete(key);
}

export function clearExchangeCache(): void {
  entries().clear();
}
