/**
 * The provisioning tools' one window on the grant store: the caller's own
 * Nextcloud grant as metadata (never its encrypted refresh token: the store's
 * metadata-only read), and the revocation of that grant. Tool code
 * (lib/mcp/tools/**) may not import the storage itself (.dependency-cruiser.cjs,
 * rule tools-never-touch-storage); this module is the narrow port it uses,
 * always for the calling user.
 */
import { getConfig } from "@/lib/config";
import { getGrant } from "@/lib/provisioning/grant-store";
import { revokeNextcloudGrant, type RevokeOutcome } from "@/lib/provisioning/revoke-nextcloud-grant";
import type { CallerIdentity } from "./caller";

export interface NextcloudGrantSummary {
  scopes: string[];
  flowType: string;
  clientId: string | null;
  provisionedAt: Date;
  revokedAt: Date | null;
  active: boolean;
  audience: string;
}

/** The caller's grant for this server's Nextcloud audience, or null. */
export async function findCallerGrant(caller: CallerIdentity): Promise<NextcloudGrantSummary | null> {
  const audience = getConfig().NEXTCLOUD_AUDIENCE;
  const grant = await getGrant(caller.sub, audience);
  if (!grant) return null;
  return { scopes: grant.scopes, flowType: grant.flowType, clientId: grant.clientId, provisionedAt: grant.provisionedAt, revokedAt: grant.revokedAt, active: grant.active, audience };
}

/** Revokes the caller's grant at the IdP (RFC 7009) and deletes it here: lib/provisioning/revoke-nextcloud-grant.ts. */
export function revokeCallerGrant(caller: CallerIdentity): Promise<RevokeOutcome> {
  return revokeNextcloudGrant({ userId: caller.sub, clientId: caller.clientId });
}
