import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { MigrationRunner } from "./migrate";

// Any constant works; it only has to be the same for every app process.
const MIGRATION_LOCK_ID = 727_011_2025;

export interface PostgresHandle {
  adapter: PrismaPg;
  runner: MigrationRunner;
  /** One statement straight to the driver (no Prisma), on a pooled connection of its own. */
  execute(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  /** Connections in the pool (≥ 2: a migration holds the lock on one and applies on another). */
  max?: number;
  /**
   * A direct connection for migrations: pg_advisory_lock is session-level, and a transaction-mode
   * pooler hands the session to other clients between statements, so the lock would not hold.
   */
  migrationUrl?: string;
}

export function openPostgres(connectionString: string, options: PostgresOptions = {}): PostgresHandle {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process.
  pool.on("error", () => {});
  const migrationPool = options.migrationUrl ? new pg.Pool({ connectionString: options.migrationUrl, max: 2, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 1_000 }) : pool;
  if (migrationPool !== pool) migrationPool.on("error", () => {});

  const runner: MigrationRunner = {
    async withLock(fn) {
      const client = await migrationPool.connect();
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
      const result = await migrationPool.query(sql, params as unknown[] | undefined);
      return result.rows;
    },
    async applyInTransaction(script, bookkeeping) {
      const client = await migrationPool.connect();
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

  return {
    adapter: new PrismaPg(pool),
    runner,
    async execute(sql, params) {
      await pool.query(sql, params);
    },
    close: async () => {
      if (migrationPool !== pool) await migrationPool.end().catch(() => {});
      await pool.end();
    },
  };
}
