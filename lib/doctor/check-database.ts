/**
 * Database reachable and migrated. Read-only where it can be: on
 * PostgreSQL it reads `_prisma_migrations` over its own short connection
 * (the doctor CLI must not migrate as a side effect); in the running server,
 * and for the embedded PGlite (one process, opened like the app does, which
 * applies pending migrations), through the app's own database.
 */
import pg from "pg";
import type { Config } from "@/lib/config";
import { getDatabase } from "@/lib/db";
import { DatabaseInUseError } from "@/lib/db/directory-lock";
import { MigrationError, planMigrations, readMigrations, type AppliedRow } from "@/lib/db/migrate";
import { error, ok, reasonOf, warning, type DoctorLine } from "./report";

const SELECT_APPLIED = `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`;
const UNDEFINED_TABLE = "42P01";

async function appliedOnPostgres(url: string): Promise<AppliedRow[] | "no-table"> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
  await client.connect();
  try {
    return (await client.query<AppliedRow>(SELECT_APPLIED)).rows;
  } catch (cause) {
    if ((cause as { code?: string }).code === UNDEFINED_TABLE) return "no-table";
    throw cause;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function checkDatabase(config: Config, options: { inServer: boolean }): Promise<DoctorLine[]> {
  const where = config.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${config.DATA_DIR}`;
  let applied: AppliedRow[] | "no-table";
  try {
    if (config.DATABASE_URL && !options.inServer) applied = await appliedOnPostgres(config.DATABASE_URL);
    else applied = await (await getDatabase()).prisma.$queryRawUnsafe<AppliedRow[]>(SELECT_APPLIED);
  } catch (cause) {
    if (cause instanceof DatabaseInUseError)
      return [warning("database", `${where} is open in the running app (PGlite admits one process)`, "Run the doctor from the dashboard's admin page, or stop the app first.")];
    if (cause instanceof MigrationError) return [error("database.migrations", cause.message, "See the message; the app refuses to start on this database.")];
    return [error("database", `${where} cannot be reached: ${reasonOf(cause)}`, config.DATABASE_URL ? "Check DATABASE_URL (host, port, user, database) and that PostgreSQL accepts connections from here." : `Check that ${config.DATA_DIR} is writable.`)];
  }
  const lines = [ok("database", `${where} reachable`)];
  const local = await readMigrations();
  if (applied === "no-table") {
    lines.push(warning("database.migrations", `no migration applied yet (${local.length} pending)`, "Run npm run db:migrate (the app also applies them when it starts)."));
    return lines;
  }
  try {
    const pending = planMigrations(local, applied);
    lines.push(
      pending.length
        ? warning("database.migrations", `${pending.length} migration(s) pending: ${pending.map((m) => m.name).join(", ")}`, "Run npm run db:migrate (the app also applies them when it starts).")
        : ok("database.migrations", `all ${local.length} migrations applied`),
    );
  } catch (cause) {
    lines.push(error("database.migrations", reasonOf(cause), "The app refuses to start on this database until this is resolved."));
  }
  return lines;
}
