/**
 * The in-process scheduler (BACKGROUND_JOBS=in-process: `npm run dev`,
 * `next start`, the container), started once per process from the start-up
 * hook. Every TICK_MS, and right away when a sync is requested (first
 * provisioning, the search switch, a stale search hit), it takes the
 * "job-runner" lease and runs the due jobs; of several instances on one
 * database only the lease holder runs them, and a crashed holder's lease
 * expires after RUNNER_LEASE_MS. Serverless deployments call the cron route
 * instead (app/api/cron/sync, runCronTick).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";
import { acquireLease } from "./runner-lease";
import { runDueSyncJobs, type RunSyncSummary } from "./run-sync-jobs";
import { onSyncRequested } from "@/lib/search/sync-job-state";

export const RUNNER_LEASE = "job-runner";
const TICK_MS = 20_000;
/** Longer than a tick's budget plus a job's time box: only a dead holder loses it. */
export const RUNNER_LEASE_MS = 120_000;
const TICK_BUDGET_MS = 40_000;

export const runnerId = () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** One pass: the runner lease, then the due jobs. Undefined when another instance holds the lease. */
export async function runSchedulerTick(holder: string, budgetMs = TICK_BUDGET_MS): Promise<RunSyncSummary | undefined> {
  if (!(await acquireLease(RUNNER_LEASE, holder, RUNNER_LEASE_MS))) return undefined;
  return runDueSyncJobs({ holder, budgetMs });
}

export interface JobScheduler {
  holder: string;
  stop(): void;
}

export function startJobScheduler(): JobScheduler {
  return processWide("job-scheduler", () => {
    const holder = runnerId();
    let running = false;
    let again = false;
    const tick = () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      runSchedulerTick(holder)
        .catch((error: unknown) => log.warn("background job tick failed", { reason: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          running = false;
          if (again) {
            again = false;
            setImmediate(tick);
          }
        });
    };
    const timer = setInterval(tick, TICK_MS);
    timer.unref();
    const unsubscribe = onSyncRequested(tick);
    setImmediate(tick);
    return {
      holder,
      stop() {
        clearInterval(timer);
        unsubscribe();
      },
    };
  });
}
