/**
 * Reads the caller's Nextcloud grant (the Flow 2 grant store, one row per user
 * and audience) without touching its encrypted refresh token: the grant
 * store's own metadata-only read.
 */
import { getGrant } from "@/lib/provisioning/grant-store";

export interface NextcloudGrantSummary {
  scopes: string[];
  flowType: string;
  clientId: string | null;
  provisionedAt: Date;
  revokedAt: Date | null;
}

export async function findNextcloudGrant(userId: string, audience: string): Promise<NextcloudGrantSummary | null> {
  return getGrant(userId, audience);
}
