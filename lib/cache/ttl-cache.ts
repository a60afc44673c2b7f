/**
 * A small per-process cache for answers that may be a few seconds old
 * (is this client allowed, is this grant alive, what did this user
 * provision), with three properties the hot path of every MCP request needs:
 *
 * - single flight: concurrent misses for one key share one load, so when an
 *   entry expires under 16–64 concurrent requests the database is asked once,
 *   not once per request (measured: 52 client-registry reads per 500 calls at
 *   concurrency 16 before, one per expiry after; docs/performance.md);
 * - forgetting wins: `forget(key)` (called by the writer that changed the
 *   answer, e.g. a revocation) drops the entry and makes a load that was
 *   already running for that key unable to store its now stale answer;
 * - bounded: at most `maxEntries` keys (the oldest is evicted first), so
 *   unknown ids sent by clients cannot grow memory. Failed loads are never
 *   cached: every waiter gets the error and the next call tries again.
 *
 * Caches that must be shared by every copy of a module are kept with
 * `processWide` (lib/process-wide.ts).
 */

export interface TtlCache<K, V> {
  /** The cached answer if younger than the TTL, else a (shared) fresh load. */
  get(key: K): Promise<V>;
  /** Drops one key (or everything): the next get loads again. */
  forget(key?: K): void;
  /** Number of cached keys (for tests and diagnostics). */
  readonly size: number;
}

export interface TtlCacheOptions<K, V> {
  ttlMs: number;
  maxEntries: number;
  load: (key: K) => Promise<V>;
  now?: () => number;
}

export function createTtlCache<K, V>(options: TtlCacheOptions<K, V>): TtlCache<K, V> {
  const now = options.now ?? Date.now;
  const values = new Map<K, { at: number; value: V }>();
  const inflight = new Map<K, Promise<V>>();

  function store(key: K, at: number, value: V): void {
    values.delete(key); // re-insert: Map order is then age order
    values.set(key, { at, value });
    while (values.size > options.maxEntries) values.delete(values.keys().next().value as K);
  }

  return {
    get(key) {
      const hit = values.get(key);
      if (hit && now() - hit.at < options.ttlMs) return Promise.resolve(hit.value);
      const running = inflight.get(key);
      if (running) return running;
      const startedAt = now();
      // Started in a microtask, so that the promise is registered before any of its callbacks run.
      const load: Promise<V> = Promise.resolve()
        .then(() => options.load(key))
        .then((value) => {
          // Only if nobody forgot the key meanwhile (or started a newer load).
          if (inflight.get(key) === load) store(key, startedAt, value);
          return value;
        })
        .finally(() => {
          if (inflight.get(key) === load) inflight.delete(key);
        });
      inflight.set(key, load);
      return load;
    },
    forget(key) {
      if (key === undefined) {
        values.clear();
        inflight.clear();
        return;
      }
      values.delete(key);
      inflight.delete(key);
    },
    get size() {
      return values.size;
    },
  };
}
