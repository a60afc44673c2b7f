import { describe, expect, it } from "vitest";
import { cacheExchange, clearExchangeCache, exchangeCacheKey, readCachedExchange } from "@/lib/cache/exchange-cache";
import { sessionNextcloudToken } from "@/lib/tokens/token-types";

const token = (expiresInMs: number, now: number) => sessionNextcloudToken({ accessToken: "at", audience: "nextcloud", scopes: ["account.read"], expiresAt: new Date(now + expiresInMs) });

describe("exchange cache (EXCHANGE_CACHE=memory)", () => {
  it("keys by subject token and exact scopes: another token or other scopes never share", () => {
    const a = exchangeCacheKey("subject-a", ["notes.read", "account.read"]);
    expect(exchangeCacheKey("subject-a", ["account.read", "notes.read"])).toBe(a);
    expect(exchangeCacheKey("subject-b", ["account.read", "notes.read"])).not.toBe(a);
    expect(exchangeCacheKey("subject-a", ["account.read"])).not.toBe(a);
    expect(a).not.toContain("subject-a");
  });

  it("serves a token only until shortly before it expires", () => {
    clearExchangeCache();
    const now = Date.now();
    const key = exchangeCacheKey("s", ["account.read"]);
    cacheExchange(key, { token: token(60_000, now), grantId: "g1" }, now);
    expect(readCachedExchange(key, now)).toMatchObject({ grantId: "g1" });
    expect(readCachedExchange(key, now + 49_000)).toBeDefined();
    expect(readCachedExchange(key, now + 51_000)).toBeUndefined();
    expect(readCachedExchange(key, now)).toBeUndefined(); // dropped once expired
  });

  it("never stores a token that is about to expire", () => {
    clearExchangeCache();
    const now = Date.now();
    const key = exchangeCacheKey("s2", ["account.read"]);
    cacheExchange(key, { token: token(5_000, now), grantId: "g1" }, now);
    expect(readCachedExchange(key, now)).toBeUndefined();
  });
});
