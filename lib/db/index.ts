/**
 * The one place that opens the database. One Prisma client per process, kept
 * on globalThis (Next.js may load this module more than once per process).
 * DATABASE_URL set → PostgreSQL through @prisma/adapter-pg; unset → embedded
 * PGlite under DATA_DIR. Pending migrations are applied before the client is
 * handed out.
 */
import { getConfig } from "@/lib/config";
import { forgetProcessWide, peekProcessWide, processWideAsync } from "@/lib/process-wide";
import { PrismaClient } from "./generated/client";
import { migrate, type MigrationRunner } from "./migrate";
import { openPglite, type AdapterFactory } from "./open-pglite";
import { openPostgres } from "./open-postgres";

export type { PrismaClient } from "./generated/client";
export { Prisma } from "./generated/client";

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** Migrations applied while opening (empty when the schema was current). */
  applied: string[];
  /**
   * One parameterised statement sent to the driver directly, not through Prisma: for the hot
   * write paths where Prisma 6's per-statement work (its WebAssembly query compiler, even for a
   * raw statement) cost more than the database (the audit INSERT: docs/performance.md).
   */
  execute(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`The database cannot be reached: ${reason}`);
    this.name = "DatabaseUnavailableError";
  }
}

const DB = "db";

async function open(): Promise<Database> {
  const config = getConfig();
  let handle: { adapter: AdapterFactory; runner: MigrationRunner; execute(sql: string, params: unknown[]): Promise<void>; close(): Promise<void> };
  let kind: DatabaseKind;
  if (config.DATABASE_URL) {
    handle = openPostgres(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, migrationUrl: config.DATABASE_DIRECT_URL });
    kind = "postgres";
  } else {
    handle = await openPglite(config.DATA_DIR);
    kind = "pglite";
  }
  let applied: string[];
  try {
    applied = await migrate(handle.runner);
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
  const prisma = new PrismaClient({ adapter: handle.adapter });
  return {
    prisma,
    kind,
    applied,
    execute: (sql, params) => handle.execute(sql, params),
    async close() {
      await prisma.$disconnect();
      await handle.close();
    },
  };
}

/** Opens (once) and returns the database; a failed open is retried on the next call. */
export function getDatabase(): Promise<Database> {
  return processWideAsync(DB, open);
}

/** The database this process has open (or is opening) now, without opening one; the same promise getDatabase() returns. */
export function currentDatabase(): Promise<Database> | undefined {
  return peekProcessWide<Promise<Database>>(DB);
}

export async function db(): Promise<PrismaClient> {
  return (await getDatabase()).prisma;
}

/** Closes the process's database (tests, CLI commands). */
export async function closeDatabase(): Promise<void> {
  const pending = forgetProcessWide<Promise<Database>>(DB);
  if (pending) await (await pending).close();
}

/** A cheap round trip, bounded in time, for health checks. */
export async function pingDatabase(timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        const prisma = await db();
        await prisma.$queryRaw`SELECT 1`;
      })(),
      timeout,
    ]);
  } catch (error) {
    throw new DatabaseUnavailableError(error);
  } finally {
    clearTimeout(timer);
  }
}
