/**
 * Vitest setup file for projects that run many test files in one worker
 * (`isolate: false`: modules are imported once per worker instead of once per
 * file, which was most of the unit suite's time). What a file may change for
 * the whole process is put back after it, so the next file in the same worker
 * starts as if it had a worker of its own:
 *
 * - process.env: the file's own variables are removed and the ones it changed
 *   or deleted are restored;
 * - the process-wide singletons (lib/process-wide.ts and the hand-made ones:
 *   every global under `Symbol.for("nextcloud-mcp.…")`), so configuration,
 *   caches, key rings and database handles made for the file's environment are
 *   made again for the next one; a database the file left open is closed
 *   first, after the audit rows still waiting for it are written;
 * - spies and fake timers (vi.restoreAllMocks, vi.useRealTimers).
 */
import { afterAll, beforeAll, vi } from "vitest";

const PREFIX = "nextcloud-mcp.";
let saved: Record<string, string | undefined> = {};

function ourGlobals(): symbol[] {
  return Object.getOwnPropertySymbols(globalThis).filter((s) => s.description?.startsWith(PREFIX));
}

beforeAll(() => {
  saved = { ...process.env };
});

afterAll(async () => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  // A database handle the file left open is closed before it is forgotten (PGlite holds a folder lock).
  const holder = globalThis as Record<symbol, unknown>;
  const database = holder[Symbol.for(`${PREFIX}db`)];
  if (database) {
    const [{ closeDatabase }, { flushAuditEvents }] = await Promise.all([import("@/lib/db"), import("@/lib/audit/record-audit-event")]);
    // Audit rows still lingering go to the database they were recorded for, before it closes.
    // Bounded: a handle still connecting to a server that never answers (a test's silent server) is only forgotten.
    await Promise.race([
      flushAuditEvents(2_000).then(() => closeDatabase()).catch(() => {}),
      new Promise((r) => setTimeout(r, 4_000).unref()),
    ]);
  }
  // The audit writer's timers belong to the forgotten writer: stopped, so none fires into the next file.
  const auditWriter = holder[Symbol.for(`${PREFIX}audit-writer`)] as { linger?: NodeJS.Timeout; warning?: NodeJS.Timeout } | undefined;
  clearTimeout(auditWriter?.linger);
  clearTimeout(auditWriter?.warning);
  for (const key of ourGlobals()) delete holder[key];
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});
