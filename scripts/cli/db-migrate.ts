// `npm run db:migrate`: applies pending migrations to the configured database
// (the same code the app runs at start-up) and reports what it did.
// --help is answered before the configuration and the database layer are loaded.
import { usageAsked } from "./help";
import { type CliIo, line, processIo } from "./io";

const USAGE = `Usage: npm run db:migrate
Applies pending migrations to the configured database (DATABASE_URL, or the embedded PGlite
database under DATA_DIR) and reports what it applied. The app also does this at start-up.`;

/** `db-migrate` (argv without node and the script), its output written to `io`: resolves with the exit code. Never exits the process. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (usageAsked(argv)) {
    line(io.stdout)(USAGE);
    return 0;
  }
  const [{ ConfigError, getConfig }, { closeDatabase, getDatabase }] = await Promise.all([import("../../lib/config"), import("../../lib/db")]);
  try {
    const config = getConfig();
    const database = await getDatabase();
    const where = database.kind === "pglite" ? `embedded database in ${config.DATA_DIR}/pglite` : "PostgreSQL (DATABASE_URL)";
    line(io.stdout)(database.applied.length ? `Applied to the ${where}: ${database.applied.join(", ")}` : `The ${where} is up to date.`);
    await closeDatabase();
    return 0;
  } catch (error) {
    line(io.stderr)(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
    return 1;
  }
}
