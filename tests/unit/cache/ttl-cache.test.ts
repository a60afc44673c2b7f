import { describe, expect, it } from "vitest";
import { createTtlCache } from "@/lib/cache/ttl-cache";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function counting<V>(answer: (key: string, call: number) => Promise<V> | V) {
  const calls: string[] = [];
  return { calls, load: async (key: string) => answer(key, calls.push(key)) };
}

describe("createTtlCache", () => {
  it("answers from the cache within the TTL and loads again after it", async () => {
    let clock = 1_000;
    const { calls, load } = counting((key, n) => `${key}#${n}`);
    const cache = createTtlCache({ ttlMs: 3_000, maxEntries: 10, load, now: () => clock });
    expect(await cache.get("a")).toBe("a#1");
    clock += 2_999;
    expect(await cache.get("a")).toBe("a#1");
    clock += 1;
    expect(await cache.get("a")).toBe("a#2");
    expect(calls).toEqual(["a", "a"]);
  });

  it("shares one load between concurrent misses of the same key (single flight)", async () => {
    const gate = deferred<string>();
    const { calls, load } = counting(() => gate.promise);
    const cache = createTtlCache({ ttlMs: 3_000, maxEntries: 10, load });
    const waiting = Array.from({ length: 64 }, () => cache.get("client"));
    await Promise.resolve();
    gate.resolve("allowed");
    expect(await Promise.all(waiting)).toEqual(Array(64).fill("allowed"));
    expect(calls).toHaveLength(1);
    expect(await cache.get("client")).toBe("allowed");
    expect(calls).toHaveLength(1);
  });

  it("loads different keys separately", async () => {
    const { calls, load } = counting((key) => key.toUpperCase());
    const cache = createTtlCache({ ttlMs: 3_000, maxEntries: 10, load });
    expect(await Promise.all([cache.get("a"), cache.get("b"), cache.get("a")])).toEqual(["A", "B", "A"]);
    expect(calls.sort()).toEqual(["a", "b"]);
  });

  it("never caches a failed load: every waiter gets the error, the next get tries again", async () => {
    const gate = deferred<string>();
    let fail = true;
    const { calls, load } = counting(() => (fail ? gate.promise : "back"));
    const cache = createTtlCache({ ttlMs: 3_000, maxEntries: 10, load });
    const waiting = [cache.get("k"), cache.get("k")].map((p) => p.catch((e: Error) => e.message));
    gate.reject(new Error("database down"));
    expect(await Promise.all(waiting)).toEqual(["database down", "database down"]);
    fail = false;
    expect(await cache.get("k")).toBe("back");
    expect(calls).toHaveLength(2);
    expect(cache.size).toBe(1);
  });

  it("does not let a load that was running when the key was forgotten store its stale answer", async () => {
    const gates = [deferred<string>(), deferred<string>()];
    const { calls, load } = counting((_key, n) => gates[n - 1]!.promise);
    const cache = createTtlCache({ ttlMs: 60_000, maxEntries: 10, load });
    const before = cache.get("grant");
    await Promise.resolve();
    cache.forget("grant"); // e.g. revoked while the read was running
    gates[0]!.resolve("alive");
    expect(await before).toBe("alive"); // that request started before the revocation
    const after = cache.get("grant");
    gates[1]!.resolve("revoked");
    expect(await after).toBe("revoked");
    expect(await cache.get("grant")).toBe("revoked");
    expect(calls).toHaveLength(2);
  });

  it("forget() without a key drops everything", async () => {
    const { calls, load } = counting((key) => key);
    const cache = createTtlCache({ ttlMs: 60_000, maxEntries: 10, load });
    await cache.get("a");
    await cache.get("b");
    cache.forget();
    expect(cache.size).toBe(0);
    await cache.get("a");
    expect(calls).toEqual(["a", "b", "a"]);
  });

  it("keeps at most maxEntries keys, evicting the oldest", async () => {
    const { calls, load } = counting((key) => key);
    const cache = createTtlCache({ ttlMs: 60_000, maxEntries: 3, load });
    for (const key of ["k1", "k2", "k3", "k4", "k5"]) await cache.get(key);
    expect(cache.size).toBe(3);
    await cache.get("k5");
    await cache.get("k3");
    expect(calls).toHaveLength(5);
    await cache.get("k1"); // evicted: loads again
    expect(calls).toHaveLength(6);
    expect(cache.size).toBe(3);
  });

  it("a synchronous throw in the loader is an error for the caller, not a stuck key", async () => {
    let fail = true;
    const cache = createTtlCache<string, string>({
      ttlMs: 60_000,
      maxEntries: 10,
      load: ((key: string) => {
        if (fail) throw new Error("sync failure");
        return Promise.resolve(key);
      }) as (key: string) => Promise<string>,
    });
    await expect(cache.get("x")).rejects.toThrow("sync failure");
    fail = false;
    expect(await cache.get("x")).toBe("x");
  });
});
