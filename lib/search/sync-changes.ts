/**
 * What one sync run found: rows to write, rows to delete, how many items it
 * looked at, and where the next run resumes. The runner applies it in one
 * transaction, and only while it still holds the job (lib/jobs/run-sync-jobs.ts).
 */
import type { Prisma } from "@/lib/db";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";
import type { IndexedDocument } from "./index-store";

export interface SyncChanges {
  upserts: IndexedDocument[];
  deletes: string[];
  /** Items seen (listed or read) by this run. */
  items: number;
  cursor: Prisma.InputJsonValue | null;
  /**
   * The time box ended first: what was read so far is kept (no deletions, the
   * previous cursor), and the job runs again at once to continue — so a large
   * first sync makes progress run by run instead of starting over.
   */
  partial?: boolean;
}

export interface SyncInput {
  connection: NextcloudConnection;
  userId: string;
  cursor: Prisma.JsonValue | null;
  /** Aborted when the job's time box ends. */
  signal: AbortSignal;
}
