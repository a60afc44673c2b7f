/**
 * App passwords whose deletion at Nextcloud could not be confirmed when the
 * person revoked (Nextcloud unreachable). The grant itself is already gone
 * here, so the app password is never used again by this server; it stays
 * sealed in this table only to be deleted at Nextcloud later — on the next
 * dashboard visit (automatic retry, short timeout) or the retry button —
 * and the dashboard shows it as pending until then. The person is told to
 * remove it under Settings → Security meanwhile.
 */
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { open, seal } from "@/lib/crypto/envelope";
import { db } from "@/lib/db";
import { nextcloudBaseUrl } from "@/lib/nextcloud/nextcloud-base-url";
import { deleteAppPassword } from "@/lib/nextcloud/login-flow-v2";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { pendingRevocationContext } from "./secret-contexts";

export interface PendingRevocation {
  id: string;
  loginName: string;
  createdAt: Date;
  lastAttemptAt: Date;
}

export async function queueAppPasswordRevocation(userId: string, loginName: string, appPassword: string): Promise<void> {
  const id = crypto.randomUUID();
  const sealed = await seal(appPassword, pendingRevocationContext(userId, id));
  await (await db()).pendingAppPasswordRevocation.create({ data: { id, userId, loginName, encryptedAppPassword: sealed.ciphertext } });
}

export async function listPendingRevocations(userId: string): Promise<PendingRevocation[]> {
  return (await db()).pendingAppPasswordRevocation.findMany({ where: { userId }, select: { id: true, loginName: true, createdAt: true, lastAttemptAt: true }, orderBy: { createdAt: "asc" } });
}

/** Tries each pending deletion once; returns what is still pending. */
export async function retryPendingRevocations(userId: string, options: { timeoutMs?: number } = {}): Promise<PendingRevocation[]> {
  const prisma = await db();
  const rows = await prisma.pendingAppPasswordRevocation.findMany({ where: { userId } });
  for (const row of rows) {
    try {
      const appPassword = await open(row.encryptedAppPassword, pendingRevocationContext(userId, row.id));
      const outcome = await deleteAppPassword(nextcloudBaseUrl(), row.loginName, appPassword, options);
      await prisma.pendingAppPasswordRevocation.deleteMany({ where: { id: row.id } });
      await recordAuditEvent({ event: "revoked", outcome: "success", userId, detail: { by: "user", atNextcloud: true, retried: true, nextcloud: outcome } });
    } catch (error) {
      if (!(error instanceof NextcloudRequestError)) throw error;
      await prisma.pendingAppPasswordRevocation.updateMany({ where: { id: row.id }, data: { lastAttemptAt: new Date() } });
    }
  }
  return listPendingRevocations(userId);
}
