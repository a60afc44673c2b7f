/**
 * The background job runner: the only place a JobContext is made, and so the
 * only door to background Nextcloud tokens (lib/broker/background-token.ts).
 *
 * - runBackgroundJob(job, handler): runs one job for one user now.
 * - runDueJobs(handlers): claims due `BackgroundJob` rows (pending and
 *   runAt ≤ now; one UPDATE per row, so two runners never take the same job),
 *   runs the handler of their kind, and records done / failed; a retryable
 *   failure (IdP or Nextcloud unreachable) is scheduled again with backoff
 *   until MAX_ATTEMPTS.
 */
import { randomUUID } from "node:crypto";
import { db, type Prisma } from "@/lib/db";
import { log } from "@/lib/log";
import type { JobContext } from "@/lib/broker/job-context";

export type JobHandler = (job: JobContext, payload: Prisma.JsonValue | null) => Promise<void>;

export const MAX_ATTEMPTS = 5;
const BACKOFF_MS = [30_000, 120_000, 600_000, 1_800_000];

function jobContext(input: { jobId?: string; kind: string; userId: string }): JobContext {
  if (!input.userId) throw new Error("a background job needs a user");
  return Object.freeze({ jobId: input.jobId ?? randomUUID(), kind: input.kind, userId: input.userId }) as JobContext;
}

/** Runs `handler` as a background job of `kind` for `userId`. */
export async function runBackgroundJob<T>(input: { kind: string; userId: string; jobId?: string }, handler: (job: JobContext) => Promise<T>): Promise<T> {
  return handler(jobContext(input));
}

const isRetryable = (error: unknown) => (error as { retryable?: unknown } | null)?.retryable === true;

/** Runs every due job once; returns how many ran. */
export async function runDueJobs(handlers: Readonly<Record<string, JobHandler>>, now = new Date()): Promise<number> {
  const prisma = await db();
  const due = await prisma.backgroundJob.findMany({
    where: { status: "pending", runAt: { lte: now }, kind: { in: Object.keys(handlers) } },
    orderBy: { runAt: "asc" },
    take: 20,
    select: { id: true, kind: true, userId: true, payload: true, attempts: true },
  });
  let ran = 0;
  for (const row of due) {
    const claimed = await prisma.backgroundJob.updateMany({ where: { id: row.id, status: "pending" }, data: { status: "running", attempts: { increment: 1 } } });
    if (claimed.count !== 1) continue; // another runner took it
    ran++;
    try {
      await runBackgroundJob({ kind: row.kind, userId: row.userId, jobId: row.id }, (job) => handlers[row.kind]!(job, row.payload));
      await prisma.backgroundJob.update({ where: { id: row.id }, data: { status: "done", lastError: null } });
    } catch (error) {
      const attempts = row.attempts + 1;
      const retry = isRetryable(error) && attempts < MAX_ATTEMPTS;
      const message = error instanceof Error ? error.message.slice(0, 500) : "failed";
      log.warn("background job failed", { jobId: row.id, kind: row.kind, attempts, retry, reason: message });
      await prisma.backgroundJob.update({
        where: { id: row.id },
        data: retry
          ? { status: "pending", lastError: message, runAt: new Date(now.getTime() + BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)]!) }
          : { status: "failed", lastError: message },
      });
    }
  }
  return ran;
}
