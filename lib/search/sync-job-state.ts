/**
 * The state of the recurring sync jobs (sync_jobs) and the per-user search
 * switch (search_preferences), without any token: the MCP tools, the
 * provisioning callback and the dashboard use this module to ask for a sync
 * or to stop one; only run-sync-jobs.ts runs them (with a background token).
 *
 * - A user with an active grant and the index switched on has one job per
 *   source whose read scope the grant holds (ensureSyncJobs).
 * - Off, or access revoked: the jobs and every indexed row of the user are
 *   deleted in one transaction (stopUserSync). A run in flight then finds its
 *   row gone when it commits and writes nothing (run-sync-jobs.ts).
 */
import { EventEmitter } from "node:events";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { processWide } from "@/lib/process-wide";
import { deleteUserIndex } from "./index-store";
import { SEARCH_SOURCES, sourceOfJobKind, sourcesCoveredBy, syncJobKind, type SearchSource } from "./search-sources";

const requests = () => processWide("sync-requests", () => new EventEmitter());

/** Called by the in-process scheduler: someone asked for a sync to run now. */
export function onSyncRequested(listener: () => void): () => void {
  requests().on("requested", listener);
  return () => requests().off("requested", listener);
}

export async function isSearchEnabled(userId: string): Promise<boolean> {
  const prisma = await db();
  const row = await prisma.searchPreference.findUnique({ where: { userId }, select: { enabled: true } });
  return row?.enabled ?? true;
}

/** The person's switch. Off deletes the index and the jobs; on schedules a first sync. */
export async function setSearchEnabled(userId: string, enabled: boolean): Promise<void> {
  const prisma = await db();
  await prisma.searchPreference.upsert({ where: { userId }, create: { userId, enabled }, update: { enabled } });
  if (enabled) await requestSync(userId);
  else await stopUserSync(userId);
}

/** Deletes the user's jobs and index rows together (switch off, revocation). */
export async function stopUserSync(userId: string): Promise<void> {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    await tx.syncJob.deleteMany({ where: { userId } });
    await deleteUserIndex(userId, undefined, tx);
  });
}

/**
 * Grants that may feed the index: active (refresh token held), not switched off, and in
 * NEXTCLOUD_AUTH=app-password with a Nextcloud account connected (the app password the jobs send).
 */
async function indexableGrants(userId?: string): Promise<{ userId: string; sources: SearchSource[] }[]> {
  const prisma = await db();
  const config = getConfig();
  const grants = await prisma.nextcloudGrant.findMany({
    where: {
      audience: config.NEXTCLOUD_AUDIENCE,
      revokedAt: null,
      keyId: { not: null },
      ...(config.NEXTCLOUD_AUTH === "app-password" ? { encryptedAppPassword: { not: null }, nextcloudLoginName: { not: null } } : {}),
      ...(userId ? { userId } : {}),
    },
    select: { userId: true, scopes: true },
  });
  const off = new Set(
    (await prisma.searchPreference.findMany({ where: { enabled: false, userId: { in: grants.map((g) => g.userId) } }, select: { userId: true } })).map((p) => p.userId),
  );
  return grants.filter((g) => !off.has(g.userId)).map((g) => ({ userId: g.userId, sources: sourcesCoveredBy(g.scopes) }));
}

/**
 * Creates the missing jobs (due now) of every indexable grant, or of one user's, and drops
 * the jobs and rows of sources a grant no longer covers.
 */
export async function ensureSyncJobs(userId?: string): Promise<void> {
  const prisma = await db();
  const grants = await indexableGrants(userId);
  const kinds = SEARCH_SOURCES.map(syncJobKind);
  const existing = await prisma.syncJob.findMany({ where: { kind: { in: kinds }, ...(userId ? { userId } : { userId: { in: grants.map((g) => g.userId) } }) }, select: { userId: true, kind: true } });
  const have = new Set(existing.map((j) => `${j.userId}\n${j.kind}`));
  const wanted = grants.flatMap((g) => g.sources.map((s) => ({ userId: g.userId, kind: syncJobKind(s) })));
  const missing = wanted.filter((w) => !have.has(`${w.userId}\n${w.kind}`));
  if (missing.length > 0) await prisma.syncJob.createMany({ data: missing, skipDuplicates: true });
  const wantedKeys = new Set(wanted.map((w) => `${w.userId}\n${w.kind}`));
  for (const job of existing.filter((j) => !wantedKeys.has(`${j.userId}\n${j.kind}`))) {
    const source = sourceOfJobKind(job.kind);
    if (!source) continue;
    await prisma.$transaction(async (tx) => {
      await tx.syncJob.deleteMany({ where: { userId: job.userId, kind: job.kind } });
      await deleteUserIndex(job.userId, source, tx);
    });
  }
}

/**
 * Asks for the user's sync (one source or all) to run as soon as a runner is free. After
 * ensureSyncJobs(userId) every job left is one the user's grant wants now, so a job stopped
 * earlier (the grant lost the source, the app password was refused) starts again — e.g. after
 * provisioning or connecting the Nextcloud account anew.
 */
export async function requestSync(userId: string, source?: SearchSource): Promise<void> {
  const prisma = await db();
  await ensureSyncJobs(userId);
  await prisma.syncJob.updateMany({ where: { userId, ...(source ? { kind: syncJobKind(source) } : {}) }, data: { nextRunAt: new Date(), stopped: false, attempts: 0 } });
  requests().emit("requested");
}

export interface SyncJobStatus {
  source: SearchSource;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  nextRunAt: Date;
  items: number;
  errors: number;
  lastError: string | null;
  running: boolean;
}

export async function listSyncJobs(userId: string, now = new Date()): Promise<SyncJobStatus[]> {
  const prisma = await db();
  const rows = await prisma.syncJob.findMany({ where: { userId }, orderBy: { kind: "asc" } });
  return rows.flatMap((r) => {
    const source = sourceOfJobKind(r.kind);
    if (!source) return [];
    return [{ source, lastRunAt: r.lastRunAt, lastSuccessAt: r.lastSuccessAt, nextRunAt: r.nextRunAt, items: r.items, errors: r.errors, lastError: r.lastError, running: r.leaseExpiresAt !== null && r.leaseExpiresAt > now }];
  });
}
