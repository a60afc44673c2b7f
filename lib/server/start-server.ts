/**
 * Start-up, run once per server process from instrumentation.ts: validate the
 * configuration and open the database (applying pending migrations). Either
 * failing stops the process with one readable message, no stack trace.
 * Shutdown: on SIGTERM / SIGINT the queued audit events are written before
 * the process ends (bounded by SHUTDOWN_FLUSH_MS).
 */
import { ensureDemoAccount, formatDemoAccountNotice } from "@/lib/accounts";
import { flushAuditEvents } from "@/lib/audit/record-audit-event";
import { ConfigError, getConfig } from "@/lib/config";
import { appUrlPortMismatch } from "@/lib/config/port-mismatch";
import { scheduleStartupDoctor } from "@/lib/doctor/start-up-summary";
import { getDatabase } from "@/lib/db";
import { MigrationError } from "@/lib/db/migrate";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { installForwardedHeaderGuard } from "@/lib/http/forwarded-headers";
import { installRequestLog } from "@/lib/http/request-log";
import { startBuiltinIdp } from "@/lib/idp/start-idp";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";

function stop(message: string): never {
  console.error(`\n[nextcloud-mcp] cannot start:\n${message}\n`);
  process.exit(1);
}

const SHUTDOWN_FLUSH_MS = 5_000;
const SIGNAL_EXIT_CODES = { SIGTERM: 143, SIGINT: 130 } as const;

/**
 * Writes the queued audit events when the process is asked to stop. `next
 * start` has its own handler (it stops accepting connections, waits for the
 * requests in flight, then exits): the flush runs beside it, and keeps
 * writing what those last requests record. Where nobody else handles the
 * signal (NEXT_MANUAL_SIG_HANDLE, a custom server), a listener would keep
 * the process alive, so this one exits itself once the flush is done.
 */
function flushAuditOnShutdown(): void {
  processWide("audit-shutdown-hook", () => {
    for (const signal of Object.keys(SIGNAL_EXIT_CODES) as (keyof typeof SIGNAL_EXIT_CODES)[]) {
      process.once(signal, () => {
        const alone = process.listenerCount(signal) === 0;
        flushAuditEvents(SHUTDOWN_FLUSH_MS)
          .then((done) => {
            if (!done) log.warn("shutting down with audit events still unwritten", { timeoutMs: SHUTDOWN_FLUSH_MS });
          })
          .catch((error: unknown) => log.error("could not flush audit events at shutdown", { reason: error instanceof Error ? error.message : String(error) }))
          .finally(() => {
            if (alone) process.exit(SIGNAL_EXIT_CODES[signal]);
          });
      });
    }
    return true;
  });
}

export async function startServer(): Promise<void> {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message);
    throw error;
  }
  const portMismatch = appUrlPortMismatch(config);
  if (portMismatch) log.warn(portMismatch);
  if (!config.TRUST_PROXY) installForwardedHeaderGuard();
  installRequestLog({ trustProxy: config.TRUST_PROXY });
  flushAuditOnShutdown();
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
  scheduleStartupDoctor(config);
  if (config.BACKGROUND_JOBS === "in-process") {
    const { startJobScheduler } = await import("@/lib/jobs/job-scheduler");
    startJobScheduler();
  }
}
