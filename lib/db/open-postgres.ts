import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { MigrationRunner } from "./migrate";

// Any constant works; it only has to be the same for every app process.
const MIGRATION_LOCK_ID = 727_011_2025;

export interface PostgresHandle {
  adapter: PrismaPg;
  runner: MigrationRunner;
  close(): Promise<void>;
}

export function openPostgres(connectionString: string): PostgresHandle {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process.
  pool.on("error", () => {});

  const runner: MigrationRunner = {
    async withLock(fn) {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
        try {
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
        }
      } finally {
        client.release();
      }
    },
    async query(sql, params) {
      const result = await pool.query(sql, params as unknown[] | undefined);
      return result.rows;
    },
    async applyInTransaction(script, bookkeeping) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(script);
        await client.query(bookkeeping.sql, bookkeeping.params);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };

  return { adapter: new PrismaPg(pool), runner, close: () => pool.end() };
}
