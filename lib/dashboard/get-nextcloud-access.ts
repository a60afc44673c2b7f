/**
 * What this server may do in the person's Nextcloud (Flow 2): the grant's
 * metadata — never its refresh token (getGrant does not select it) — with each
 * scope explained, plus the Nextcloud scopes not granted yet that some tool
 * uses (to add; lib/mcp/offered-scopes.ts).
 */
import { scopeInfo, type ScopeInfo } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { getGrant, type FlowType } from "@/lib/provisioning/grant-store";
import { retryPendingRevocations, type PendingRevocation } from "@/lib/provisioning/pending-app-password-revocations";

/** A dashboard visit retries pending app-password deletions, but never waits long for a Nextcloud that is down. */
const RETRY_ON_VISIT_TIMEOUT_MS = 3_000;

export interface NextcloudAccess {
  state: "none" | "active" | "revoked";
  granted: ScopeInfo[];
  notGranted: ScopeInfo[];
  flowType?: FlowType;
  provisionedAt?: Date;
  lastUsedAt?: Date | null;
  revokedAt?: Date | null;
  /** The MCP client whose request led to the grant, by name when known. */
  client?: { id: string; name: string };
  /** NEXTCLOUD_AUTH in effect, and (app-password mode) the connected Nextcloud account. */
  auth: "bearer" | "app-password";
  nextcloudAccount?: string | null;
  /** App passwords revoked here whose deletion at Nextcloud is still pending. */
  pendingRevocations: PendingRevocation[];
}

const infos = (names: readonly string[]) => names.map(scopeInfo).filter((s): s is ScopeInfo => Boolean(s));

export async function getNextcloudAccess(input: { userId: string }): Promise<NextcloudAccess> {
  const all = offeredResourceScopes();
  const auth = getConfig().NEXTCLOUD_AUTH;
  const pendingRevocations = await retryPendingRevocations(input.userId, { timeoutMs: RETRY_ON_VISIT_TIMEOUT_MS });
  const grant = await getGrant(input.userId, getConfig().NEXTCLOUD_AUDIENCE);
  if (!grant) return { state: "none", granted: [], notGranted: infos(all), auth, pendingRevocations };
  const held = grant.active ? grant.scopes : [];
  let client: NextcloudAccess["client"];
  if (grant.clientId) {
    const row = await (await db()).clientRegistration.findUnique({ where: { clientId: grant.clientId }, select: { name: true } });
    client = { id: grant.clientId, name: row?.name ?? grant.clientId };
  }
  return {
    state: grant.active ? "active" : "revoked",
    granted: infos(held),
    notGranted: infos(all.filter((s) => !held.includes(s))),
    flowType: grant.flowType,
    provisionedAt: grant.provisionedAt,
    lastUsedAt: grant.lastUsedAt,
    revokedAt: grant.revokedAt,
    client,
    auth,
    nextcloudAccount: grant.nextcloudLoginName,
    pendingRevocations,
  };
}
