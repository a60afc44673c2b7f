/**
 * EXCHANGE_CACHE=memory: exchanged session tokens kept in this process's
 * memory until shortly before they expire, keyed by a hash of the subject
 * token and the exact scopes — so a token is only ever reused for the same
 * MCP token asking for the same scopes, never across users or clients.
 * Bounded in size; nothing is written anywhere. Off by default: every tool
 * call then exchanges afresh.
 */
import { createHash } from "node:crypto";
import { processWide } from "@/lib/process-wide";
import { isExpired, type SessionNextcloudToken } from "./token-types";

const MAX_ENTRIES = 1_000;
/** Do not hand out a token that expires within this margin (the call still has to reach Nextcloud). */
const MARGIN_SECONDS = 10;

const entries = () => processWide("exchange-cache", () => new Map<string, SessionNextcloudToken>());

export function exchangeCacheKey(subjectToken: string, scopes: readonly string[]): string {
  return createHash("sha256").update(subjectToken).update("\n").update([...new Set(scopes)].sort().join(" ")).digest("base64url");
}

export function readCachedExchange(key: string, now = Date.now()): SessionNextcloudToken | undefined {
  const cache = entries();
  const token = cache.get(key);
  if (!token) return undefined;
  if (isExpired(token, MARGIN_SECONDS, now)) {
    cache.delete(key);
    return undefined;
  }
  return token;
}

export function cacheExchange(key: string, token: SessionNextcloudToken, now = Date.now()): void {
  const cache = entries();
  if (isExpired(token, MARGIN_SECONDS, now)) return;
  for (const [k, t] of cache) if (isExpired(t, MARGIN_SECONDS, now)) cache.delete(k);
  // Maps iterate in insertion order: drop the oldest when full.
  while (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, token);
}

export function clearExchangeCache(): void {
  entries().clear();
}
