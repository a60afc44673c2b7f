/**
 * One value per process, however many copies of a module are loaded: Next.js
 * may evaluate a module once per bundle (route handlers, pages, the
 * instrumentation hook), and per-module state would then be split between
 * them (two configurations, two caches, two audit writers). The value lives
 * on globalThis under `Symbol.for("nextcloud-mcp.<name>")`, so every copy
 * finds the same one; tests may drop it with `forgetProcessWide(name)` (or by
 * deleting that symbol).
 */
type Holder = { [key: symbol]: unknown };

const keyOf = (name: string) => Symbol.for(`nextcloud-mcp.${name}`);
const holder = () => globalThis as Holder;

export function processWide<T>(name: string, create: () => T): T {
  const key = keyOf(name);
  return ((holder()[key] as T | undefined) ??= create());
}

/**
 * The asynchronous form: one creation per process, shared by every caller
 * that comes while it is in flight; a creation that fails is forgotten (the
 * callers waiting on it get its error, the next call starts a new one). What
 * is kept is the promise, under the same symbol as `processWide`.
 */
export function processWideAsync<T>(name: string, create: () => Promise<T>): Promise<T> {
  const key = keyOf(name);
  const existing = holder()[key] as Promise<T> | undefined;
  if (existing) return existing;
  let started: Promise<T>;
  try {
    started = create();
  } catch (error) {
    started = Promise.reject(error as Error);
  }
  const kept: Promise<T> = started.catch((error: unknown) => {
    // Only this creation: a reset in between may have started a newer one.
    if (holder()[key] === kept) delete holder()[key];
    throw error;
  });
  holder()[key] = kept;
  return kept;
}

/** The current value (a promise for processWideAsync values), without creating one. */
export function peekProcessWide<T>(name: string): T | undefined {
  return holder()[keyOf(name)] as T | undefined;
}

/**
 * Drops the value so the next call creates a new one, and returns what was
 * dropped (to close it). With `only`, drops it only if it is still that value:
 * a check that started on an older value never drops a newer one.
 */
export function forgetProcessWide<T>(name: string, only?: T): T | undefined {
  const key = keyOf(name);
  const current = holder()[key] as T | undefined;
  if (only !== undefined && current !== only) return undefined;
  delete holder()[key];
  return current;
}
