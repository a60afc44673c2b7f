// `npm run db:migrate`: applies pending migrations to the configured database
// (the same code the app runs at start-up) and reports what it did.
// --help is answered before the configuration and the database layer are loaded.
import { exitWithUsageIfAsked } from "./cli/help";

exitWithUsageIfAsked(`Usage: npm run db:migrate
Applies pending migrations to the configured database (DATABASE_URL, or the embedded PGlite
database under DATA_DIR) and reports what it applied. The app also does this at start-up.`);

const [{ ConfigError, getConfig }, { closeDatabase, getDatabase }] = await Promise.all([import("../lib/config"), import("../lib/db")]);
try {
  const config = getConfig();
  const database = await getDatabase();
  const where = database.kind === "pglite" ? `embedded database in ${config.DATA_DIR}/pglite` : "PostgreSQL (DATABASE_URL)";
  console.log(database.applied.length ? `Applied to the ${where}: ${database.applied.join(", ")}` : `The ${where} is up to date.`);
  await closeDatabase();
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exit(1);
}
