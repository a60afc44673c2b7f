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
  close(): Promise<void>;
}

/**
 * Opens the embedded database under `<dataDir>/pglite`. PGlite admits one
 * process per data folder: a lock file makes a second process fail with a
 * clear message instead of corrupting the data.
 */
export async function openPglite(dataDir: string): Promise<PgliteHandle> {
  const dir = path.resolve(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const lock = acquireDirectoryLock(path.resolve(dataDir, "pglite.lock"));
  let db: PGlite;
  try {
    db = new PGlite(dir);
    await db.waitReady;
  } catch (error) {
    lock.release();
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
    async close() {
      await db.close();
      lock.release();
    },
  };
}
