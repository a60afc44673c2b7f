/**
 * Start-up, run once per server process from instrumentation.ts: validate the
 * configuration and open the database (applying pending migrations). Either
 * failing stops the process with one readable message, no stack trace.
 */
import { ensureDemoAccount, formatDemoAccountNotice } from "@/lib/accounts";
import { ConfigError, getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db";
import { MigrationError } from "@/lib/db/migrate";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { installForwardedHeaderGuard } from "@/lib/http/forwarded-headers";
import { startBuiltinIdp } from "@/lib/idp/start-idp";
import { log } from "@/lib/log";

function stop(message: string): never {
  console.error(`\n[nextcloud-mcp] cannot start:\n${message}\n`);
  process.exit(1);
}

export async function startServer(): Promise<void> {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message);
    throw error;
  }
  if (!config.TRUST_PROXY) installForwardedHeaderGuard();
  try {
    const database = await getDatabase();
    const where = database.kind === "pglite" ? `embedded PGlite in ${config.DATA_DIR}/pglite` : "PostgreSQL (DATABASE_URL)";
    log.info(`database ready: ${where}`, { migrationsApplied: database.applied });
  } catch (error) {
    if (error instanceof MigrationError) stop(error.message);
    const reason = error instanceof Error ? error.message : String(error);
    stop(
      config.DATABASE_URL
        ? `The PostgreSQL server in DATABASE_URL cannot be reached or used: ${reason}`
        : `The embedded database in ${config.DATA_DIR}/pglite cannot be opened: ${reason}`,
    );
  }
  try {
    const demo = await ensureDemoAccount();
    // The one sanctioned place a password is printed: once, when the demo account was just created.
    if (demo.created) console.log(formatDemoAccountNotice(demo));
  } catch (error) {
    log.error("could not create the demo account", { reason: error instanceof Error ? error.message : String(error) });
  }
  try {
    await startBuiltinIdp({ offeredScopes: offeredResourceScopes() });
  } catch (error) {
    stop(`The built-in identity provider cannot start: ${error instanceof Error ? error.message : String(error)}`);
  }
}
