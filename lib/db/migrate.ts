/**
 * Applies the committed migrations (prisma/migrations/<name>/migration.sql) at
 * start-up, in the same bookkeeping table Prisma uses (`_prisma_migrations`,
 * checksum = sha256 of the file), so `prisma migrate status` agrees with us.
 *
 * Rules:
 * - Each migration runs in its own transaction together with its bookkeeping
 *   row: PostgreSQL DDL is transactional, so a failure leaves the database at
 *   the previous migration, never half-migrated.
 * - A database that has applied a migration this code does not know is
 *   "ahead of the code": refuse to start rather than run against it.
 * - A migration whose file changed after it was applied is refused too.
 * - Concurrent starters (two app processes on one PostgreSQL) serialise on an
 *   advisory lock held by the runner.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The minimal SQL surface a migration runner needs; see open-*.ts. */
export interface MigrationRunner {
  /** Runs `fn` while holding an exclusive migration lock. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script and the bookkeeping insert in one transaction. */
  applyInTransaction(script: string, bookkeeping: { sql: string; params: unknown[] }): Promise<void>;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

// Read at run time from the working directory (the repository root under
// `next start`); kept out of the bundle tracer on purpose.
export const MIGRATIONS_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Decides what to apply; throws MigrationError for a database we must not touch. */
export function planMigrations(local: Migration[], applied: AppliedRow[]): Migration[] {
  const live = applied.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} is recorded as started but never finished. Inspect the database and mark it resolved (npm run prisma -- migrate resolve) before starting again.`,
    );
  }
  const known = new Map(local.map((m) => [m.name, m]));
  const unknown = live.filter((row) => !known.has(row.migration_name)).map((row) => row.migration_name);
  if (unknown.length > 0) {
    throw new MigrationError(
      `The database is ahead of this version of nextcloud-mcp: it has applied migration(s) ${unknown.join(", ")} that this code does not contain. Run the matching (newer) version of the app, or point DATABASE_URL at another database.`,
    );
  }
  for (const row of live) {
    const mine = known.get(row.migration_name);
    if (mine && mine.checksum !== row.checksum) {
      throw new MigrationError(`Migration ${row.migration_name} was changed after it was applied to this database (checksum mismatch). Restore the original migration file.`);
    }
  }
  const done = new Set(live.map((row) => row.migration_name));
  return local.filter((m) => !done.has(m.name));
}

export async function migrate(runner: MigrationRunner, local?: Migration[]): Promise<string[]> {
  const migrations = local ?? (await readMigrations());
  return runner.withLock(async () => {
    await runner.query(CREATE_TABLE);
    const applied = await runner.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
    );
    const pending = planMigrations(migrations, applied);
    for (const m of pending) {
      try {
        await runner.applyInTransaction(m.sql, {
          sql: `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)`,
          params: [randomUUID(), m.checksum, m.name],
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`Migration ${m.name} failed and was rolled back; the database is unchanged by it. Cause: ${reason}`);
      }
    }
    return pending.map((m) => m.name);
  });
}
