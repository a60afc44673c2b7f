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
}

export interface SyncInput {
  connection: NextcloudConnection;
  userId: string;
  cursor: Prisma.JsonValue | null;
  /** Aborted when the job's time box ends. */
  signal: AbortSignal;
}
