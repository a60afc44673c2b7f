/**
 * Runs the due sync jobs of the search index (sync_jobs), one at a time:
 *
 * - claim: one UPDATE takes a due, unleased job (or one whose lease expired:
 *   its runner crashed) and leases it to this runner until now + LEASE_MS;
 *   FOR UPDATE SKIP LOCKED lets two runners claim different jobs at once.
 * - run: a background token for the source's read scope only (the stored
 *   grant, lib/broker/background-token.ts — this is the background path's
 *   reason to exist) and, in NEXTCLOUD_AUTH=app-password, the grant's opaque
 *   app-password credential (backgroundAccess); then the source's incremental
 *   sync, time-boxed by an AbortSignal (TIME_BOX_MS) that also cancels the
 *   Nextcloud requests. Either way the token's scopes (the source's read
 *   scope) bound what the sender lets the sync reach (api-scopes.ts). An app
 *   password Nextcloud answers 401 to is forgotten and the job stops.
 * - commit: the changes are written in one transaction that first locks the
 *   job row and checks this runner still holds it. A job whose row is gone
 *   (the person switched the index off or revoked access meanwhile) or was
 *   taken over writes nothing.
 * - a run cut short by the time box commits what it read and runs again next.
 * - fail: retried with exponential backoff (30 s … 30 min); a grant that no
 *   longer covers the source stops the job and drops that source's rows.
 */
import { db, type Prisma } from "@/lib/db";
import { backgroundAccess, backgroundCredentialRefused, NotProvisionedError } from "@/lib/broker/background-token";
import { IdpRefusedError, IdpUnreachableError } from "@/lib/oidc/idp-errors";
import { log } from "@/lib/log";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { deleteUserIndex, replaceDocuments } from "@/lib/search/index-store";
import { SOURCE_SCOPE, sourceOfJobKind, type SearchSource } from "@/lib/search/search-sources";
import type { SyncChanges, SyncInput } from "@/lib/search/sync-changes";
import { syncCalendar } from "@/lib/search/sync-calendar";
import { syncContacts } from "@/lib/search/sync-contacts";
import { syncDeck } from "@/lib/search/sync-deck";
import { syncFiles } from "@/lib/search/sync-files";
import { syncNotes } from "@/lib/search/sync-notes";
import { runBackgroundJob } from "./run-background-job";
import { ensureSyncJobs } from "@/lib/search/sync-job-state";

/** How often an index source is brought up to date. */
export const SYNC_INTERVAL_MS = 5 * 60_000;
export const TIME_BOX_MS = 45_000;
const MIN_TIME_BOX_MS = 5_000;
/** A job's lease outlives its time box, so only a crashed runner's lease expires. */
export const LEASE_MS = TIME_BOX_MS + 30_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 30 * 60_000;

export const backoffMs = (attempts: number) => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));

const SYNCERS: Readonly<Record<SearchSource, (input: SyncInput) => Promise<SyncChanges>>> = { notes: syncNotes, files: syncFiles, calendar: syncCalendar, contacts: syncContacts, deck: syncDeck };

export interface RunSyncOptions {
  /** This runner's identity in leases. */
  holder: string;
  /** Stop claiming new jobs after this long (the running one finishes or hits its time box). */
  budgetMs?: number;
  timeBoxMs?: number;
  /** Only this user's jobs (the first sync after provisioning, tests). */
  userId?: string;
}

export interface RunSyncSummary {
  ran: number;
  failed: number;
}

interface ClaimedJob {
  user_id: string;
  kind: string;
  cursor: Prisma.JsonValue | null;
  attempts: number;
}

async function claimNext(holder: string, userId: string | undefined): Promise<ClaimedJob | undefined> {
  const prisma = await db();
  const now = new Date();
  const leaseUntil = new Date(now.getTime() + LEASE_MS);
  const rows = await prisma.$queryRaw<ClaimedJob[]>`
    UPDATE sync_jobs SET lease_holder = ${holder}, lease_expires_at = ${leaseUntil}, last_run_at = ${now}, updated_at = ${now}
     WHERE (user_id, kind) IN (
       SELECT user_id, kind FROM sync_jobs
        WHERE NOT stopped AND next_run_at <= ${now} AND (lease_expires_at IS NULL OR lease_expires_at <= ${now})
          AND (${userId ?? null}::text IS NULL OR user_id = ${userId ?? null}::text)
        ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       AND (lease_expires_at IS NULL OR lease_expires_at <= ${now})
    RETURNING user_id, kind, cursor, attempts`;
  return rows[0];
}

/** Writes a run's changes if `holder` still holds the job; false when it no longer does. */
async function commit(holder: string, job: ClaimedJob, source: SearchSource, changes: SyncChanges): Promise<boolean> {
  const prisma = await db();
  const now = new Date();
  return prisma.$transaction(
    async (tx) => {
      const held = await tx.$queryRaw<unknown[]>`SELECT 1 FROM sync_jobs WHERE user_id = ${job.user_id} AND kind = ${job.kind} AND lease_holder = ${holder} AND NOT stopped FOR UPDATE`;
      if (held.length === 0) return false;
      await replaceDocuments(tx, job.user_id, source, changes.upserts, changes.deletes);
      await tx.syncJob.update({
        where: { userId_kind: { userId: job.user_id, kind: job.kind } },
        data: {
          items: changes.items,
          cursor: changes.cursor ?? undefined,
          lastSuccessAt: now,
          // A run cut short by its time box continues at once (sync-changes.ts, partial).
          nextRunAt: changes.partial ? now : new Date(now.getTime() + SYNC_INTERVAL_MS),
          attempts: 0,
          lastError: null,
          leaseHolder: null,
          leaseExpiresAt: null,
        },
      });
      return true;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** A failure's reason as stored and shown on the dashboard: the known, token-free messages only. */
function safeReason(error: unknown): string {
  if (error instanceof NextcloudRequestError || error instanceof NotProvisionedError || error instanceof IdpRefusedError || error instanceof IdpUnreachableError) return error.message.slice(0, 300);
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "The run took longer than its time box; the next run continues.";
  return "Internal error (see the server log).";
}

async function recordFailure(holder: string, job: ClaimedJob, source: SearchSource, error: unknown): Promise<void> {
  const prisma = await db();
  const now = new Date();
  const reason = safeReason(error);
  const where = { userId: job.user_id, kind: job.kind, leaseHolder: holder };
  if (error instanceof NotProvisionedError) {
    // The grant no longer covers this source: stop the job and drop what it indexed (provisioning again restarts it).
    await prisma.$transaction(async (tx) => {
      await tx.syncJob.updateMany({ where, data: { stopped: true, lastError: reason, errors: { increment: 1 }, leaseHolder: null, leaseExpiresAt: null } });
      await deleteUserIndex(job.user_id, source, tx);
    });
    return;
  }
  const attempts = job.attempts + 1;
  await prisma.syncJob.updateMany({
    where,
    data: { attempts, errors: { increment: 1 }, lastError: reason, nextRunAt: new Date(now.getTime() + backoffMs(attempts)), leaseHolder: null, leaseExpiresAt: null },
  });
}

async function runOne(holder: string, job: ClaimedJob, timeBoxMs: number): Promise<boolean> {
  const source = sourceOfJobKind(job.kind);
  if (!source) return false;
  try {
    const changes = await runBackgroundJob({ kind: job.kind, userId: job.user_id }, async (context) => {
      const signal = AbortSignal.timeout(timeBoxMs);
      const { token, credential } = await backgroundAccess(context, [SOURCE_SCOPE[source]]);
      try {
        return await SYNCERS[source]({ connection: { token, credential, signal }, userId: job.user_id, cursor: job.cursor, signal });
      } catch (error) {
        if (credential && error instanceof NextcloudRequestError && error.failure === "unauthorized") throw await backgroundCredentialRefused(context, credential.loginName);
        throw error;
      }
    });
    const committed = await commit(holder, job, source, changes);
    if (!committed) log.info("sync job result discarded: the job was stopped or taken over meanwhile", { kind: job.kind });
    return true;
  } catch (error) {
    log.warn("sync job failed", { kind: job.kind, attempts: job.attempts + 1, reason: safeReason(error) });
    await recordFailure(holder, job, source, error);
    return false;
  }
}

/** Runs due jobs until none is left or the budget is spent. */
export async function runDueSyncJobs(options: RunSyncOptions): Promise<RunSyncSummary> {
  const started = Date.now();
  const budget = options.budgetMs ?? 40_000;
  const timeBox = options.timeBoxMs ?? TIME_BOX_MS;
  await ensureSyncJobs(options.userId);
  const summary: RunSyncSummary = { ran: 0, failed: 0 };
  while (Date.now() - started < budget) {
    const job = await claimNext(options.holder, options.userId);
    if (!job) break;
    summary.ran++;
    // The last job's time box ends with the budget (at least MIN_TIME_BOX_MS), so a tick stays within its function's duration.
    const left = budget - (Date.now() - started);
    if (!(await runOne(options.holder, job, Math.min(timeBox, Math.max(MIN_TIME_BOX_MS, left))))) summary.failed++;
  }
  return summary;
}
