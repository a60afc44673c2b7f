import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import { acquireDirectoryLock } from "./directory-lock";
import type { MigrationRunner } from "./migrate";

// pglite-prisma-adapter 0.6 was built against @prisma/driver-adapter-utils
// 6.10, whose types differ cosmetically from 6.19's; the runtime protocol is
// the same (covered by the integration suite on PGlite).
export type AdapterFactory = SqlDriverAdapterFactory;

export interface PgliteHandle {
  adapter: NonNullable<AdapterFactory>;
  runner: MigrationRunner;
  /** One statement straight to the driver (no Prisma); PGlite queues it behind any open transaction. */
  execute(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The folder lock was taken over by another process (this one stalled for
 * longer than the lock's stale time): two processes must not write one
 * PGlite folder, so this one stops before it writes again.
 */
function lockLost(error: Error): void {
  console.error(`\n[nextcloud-mcp] the embedded database's lock was lost (${error.message}); stopping to protect the data.\n`);
  process.exit(1);
}

/**
 * Postgres's page cache inside PGlite's WebAssembly memory. Postgres's default (128 MB) is memory the
 * process allocates and zeroes at every start, while the pages also sit in the OS's file cache below
 * PGlite's file system. Measured (docs/performance.md, "PGlite's page cache"): 64 MB keeps the search
 * index's queries as fast as 128 MB (`npm run bench:search`: common word p50 17 ms; 32 MB: 27 ms) and
 * a process holding the database open at 184 MB resident instead of 245; an open 0.47 → 0.40 CPU-s.
 */
const SHARED_BUFFERS = "64MB";

/**
 * Opens the embedded database under `<dataDir>/pglite`. PGlite admits one
 * process per data folder: a lock file makes a second process fail with a
 * clear message instead of corrupting the data.
 */
export async function openPglite(dataDir: string): Promise<PgliteHandle> {
  const dir = path.resolve(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  // A directory (proper-lockfile), named apart from the PID file "pglite.lock" that earlier versions
  // left: such a leftover is simply ignored.
  const lock = await acquireDirectoryLock(path.resolve(dataDir, "pglite.lock.d"), { onCompromised: lockLost });
  let db: PGlite;
  try {
    db = new PGlite(dir, { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${SHARED_BUFFERS}`] });
    await db.waitReady;
  } catch (error) {
    await lock.release();
    throw error;
  }

  const runner: MigrationRunner = {
    // One process owns the folder (the lock above), so there is nothing to race.
    withLock: (fn) => fn(),
    async query(sql, params) {
      const result = await db.query(sql, params as unknown[] | undefined);
      return result.rows as never[];
    },
    async applyInTransaction(script, bookkeeping) {
      await db.transaction(async (tx) => {
        await tx.exec(script);
        await tx.query(bookkeeping.sql, bookkeeping.params);
      });
    },
  };

  return {
    adapter: new PrismaPGlite(db) as unknown as NonNullable<AdapterFactory>,
    runner,
    async execute(sql, params) {
      // PGlite's query() takes its transaction mutex, so it never runs inside a transaction Prisma holds open.
      await db.query(sql, params);
    },
    async close() {
      await db.close();
      await lock.release();
    },
  };
}
