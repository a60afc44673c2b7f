/**
 * One value per process, however many copies of a module are loaded: Next.js
 * may evaluate a module once per bundle (route handlers, pages, the
 * instrumentation hook), and per-module state would then be split between
 * them (two configurations, two caches, two audit writers). The value lives
 * on globalThis under `Symbol.for("nextcloud-mcp.<name>")`, so every copy
 * finds the same one; tests may drop it by deleting that symbol.
 */
export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(`nextcloud-mcp.${name}`);
  const holder = globalThis as { [key: symbol]: T | undefined };
  return (holder[key] ??= create());
}
