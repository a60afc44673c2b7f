/**
 * What the provisioning page shows for a link (without using it up): the
 * client that asked, the Nextcloud scopes it needs now, the ones granted
 * before that stay, and when the link expires.
 */
import { scopeInfo, type ScopeInfo } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { getGrant } from "./grant-store";
import { ProvisioningLinkError, readProvisioningRequest } from "./provisioning-link";

export interface ProvisioningView {
  clientId: string | null;
  clientName: string | null;
  /** Scopes this consent adds. */
  requested: ScopeInfo[];
  /** Scopes granted before, which stay granted. */
  kept: ScopeInfo[];
  expiresAt: Date;
}

export type DescribeOutcome = { ok: true; view: ProvisioningView } | { ok: false; reason: ProvisioningLinkError["reason"] };

const infos = (names: string[]) => names.map((n) => scopeInfo(n)).filter((s): s is ScopeInfo => s !== undefined);

export async function describeProvisioningRequest(value: unknown): Promise<DescribeOutcome> {
  let request;
  try {
    request = await readProvisioningRequest(value);
  } catch (error) {
    if (error instanceof ProvisioningLinkError) return { ok: false, reason: error.reason };
    throw error;
  }
  const prisma = await db();
  const [used, client, grant] = await Promise.all([
    prisma.usedProvisioningRequest.findUnique({ where: { jti: request.jti }, select: { jti: true } }),
    request.clientId ? prisma.clientRegistration.findUnique({ where: { clientId: request.clientId }, select: { name: true } }) : null,
    getGrant(request.sub, getConfig().NEXTCLOUD_AUDIENCE),
  ]);
  if (used) return { ok: false, reason: "used" };
  const kept = grant?.active ? grant.scopes : [];
  return {
    ok: true,
    view: {
      clientId: request.clientId ?? null,
      clientName: client?.name ?? null,
      requested: infos(request.scopes.filter((s) => !kept.includes(s))),
      kept: infos(kept),
      expiresAt: new Date(request.exp * 1000),
    },
  };
}
