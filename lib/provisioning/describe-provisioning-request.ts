/**
 * What the provisioning page shows for a link (without using it up): the
 * client that asked, the tool that asked, the Nextcloud scopes on offer
 * (needed ones marked; see provisioning-choices.ts), the ones granted before
 * that stay, and when the link expires.
 */
import { scopeInfo, type ScopeInfo } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { getGrant } from "./grant-store";
import { scopeChoices, type ScopeChoice } from "./provisioning-choices";
import { ProvisioningLinkError, readProvisioningRequest } from "./provisioning-link";

export interface ProvisioningView {
  clientId: string | null;
  clientName: string | null;
  /** The tool whose call led here, if any. */
  tool: string | null;
  /** Scopes this consent may add: needed ones first, all ticked by default. */
  choices: ScopeChoice[];
  /** Scopes granted before, which stay granted. */
  kept: ScopeInfo[];
  /** App-password mode with no Nextcloud account connected yet (e.g. after a cancelled or timed-out Login Flow v2): Continue leads there even with nothing to add. */
  connectNextcloud: boolean;
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
  const [client, grant] = await Promise.all([
    request.clientId ? prisma.clientRegistration.findUnique({ where: { clientId: request.clientId }, select: { name: true } }) : null,
    getGrant(request.sub, getConfig().NEXTCLOUD_AUDIENCE),
  ]);
  const kept = grant?.active ? grant.scopes : [];
  return {
    ok: true,
    view: {
      clientId: request.clientId ?? null,
      clientName: client?.name ?? null,
      tool: request.tool ?? null,
      choices: scopeChoices({ needed: request.needed, offered: request.offered, kept }),
      kept: infos(kept),
      connectNextcloud: getConfig().NEXTCLOUD_AUTH === "app-password" && !grant?.nextcloudLoginName,
      expiresAt: request.expiresAt,
    },
  };
}
