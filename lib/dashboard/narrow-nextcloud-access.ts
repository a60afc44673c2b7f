/**
 * The person removes Nextcloud scopes from what this server may do for them
 * (Flow 2). Two places hold that decision and both are narrowed:
 * 1. the IdP: every grant of this account that holds the Nextcloud resource
 *    (this server's own client in Flow 2; the MCP client's grant in hybrid
 *    mode). The token exchange reads the consented scopes from there
 *    (lib/idp/grants/token-exchange.ts), so a removed scope is refused at the
 *    next exchange, and a background refresh yields only what remains
 *    (oidc-provider filters refreshed tokens by the grant);
 * 2. the stored grant (lib/provisioning/narrow-grant-scopes.ts), which the
 *    provisioning guard and this dashboard read.
 * The IdP goes first: if the second write fails, the IdP already refuses what
 * was removed (fail closed), and the page says to try again.
 * Adding scopes is not done here: it goes through the provisioning page, where
 * the person sees and confirms what is added (create-scope-request-link.ts).
 */
import { z } from "zod";
import { formatScope, parseScope, resourceScopes } from "@/lib/auth/scopes";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { clearExchangeCache } from "@/lib/cache/exchange-cache";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { getProvider } from "@/lib/idp/provider";
import { nextcloudResourceIndicator } from "@/lib/idp/resources";
import { getGrant } from "@/lib/provisioning/grant-store";
import { narrowGrantScopes } from "@/lib/provisioning/narrow-grant-scopes";

const NEXTCLOUD_SCOPES = new Set(resourceScopes("nextcloud"));

export const keepScopesSchema = z
  .array(z.string().max(64))
  .max(64)
  .transform((s) => [...new Set(s)]);

export type NarrowNextcloudResult =
  | { narrowed: true; removed: string[]; kept: string[] }
  | { narrowed: false; reason: "no_grant" | "widening" | "unchanged" | "nothing_left" };

export async function narrowNextcloudAccess(input: { userId: string; keep: unknown }): Promise<NarrowNextcloudResult> {
  const config = getConfig();
  const keep = keepScopesSchema.parse(input.keep);
  const grant = await getGrant(input.userId, config.NEXTCLOUD_AUDIENCE);
  if (!grant?.active) return { narrowed: false, reason: "no_grant" };
  // Adding is the provisioning page's job (the person confirms it there), never a side effect of this form.
  if (keep.some((s) => !NEXTCLOUD_SCOPES.has(s) || !grant.scopes.includes(s))) return { narrowed: false, reason: "widening" };
  if (keep.length === 0) return { narrowed: false, reason: "nothing_left" };
  const removed = grant.scopes.filter((s) => !keep.includes(s));
  if (removed.length === 0) return { narrowed: false, reason: "unchanged" };

  if (config.BUILTIN_IDP) await narrowIdpGrants(input.userId, removed);
  await narrowGrantScopes({ userId: input.userId, audience: config.NEXTCLOUD_AUDIENCE, remove: removed });
  clearExchangeCache();
  await recordAuditEvent({ event: "scopes_removed", outcome: "success", userId: input.userId, scopes: removed, detail: { target: "nextcloud_access", by: "dashboard", kept: keep } });
  return { narrowed: true, removed, kept: keep };
}

/** Takes `removed` out of the Nextcloud resource of every IdP grant of this account (assigned, not "rejected": asked again if requested again). */
async function narrowIdpGrants(accountId: string, removed: readonly string[]): Promise<void> {
  const prisma = await db();
  const rows = await prisma.oidcPayload.findMany({ where: { model: "Grant", accountId, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] }, select: { id: true } });
  const provider = await getProvider();
  const indicator = nextcloudResourceIndicator();
  for (const row of rows) {
    const grant = await provider.Grant.find(row.id);
    if (!grant || grant.accountId !== accountId || !grant.resources?.[indicator]) continue;
    const remaining = parseScope(grant.resources[indicator]).filter((s) => !removed.includes(s));
    grant.resources = { ...grant.resources, [indicator]: formatScope(remaining) };
    await grant.save();
  }
}
