/**
 * A person withdraws an MCP client's access: every IdP grant of this account
 * at this client goes, with its tokens (revoke-idp-grants.ts). Only the
 * person's own grants are touched — the grant ids are looked up by account,
 * never taken from the request. This server's own client is refused here
 * (that is "revoke Nextcloud access").
 */
import { z } from "zod";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { findConnectionGroup } from "./list-connections";
import { revokeIdpGrants } from "./revoke-idp-grants";

export const clientIdSchema = z.string().trim().min(1).max(2048);

export type RevokeConnectionResult = { revoked: true; grants: number } | { revoked: false; reason: "not_found" | "not_allowed" };

export async function revokeConnection(input: { userId: string; clientId: string }): Promise<RevokeConnectionResult> {
  const config = getConfig();
  const clientId = clientIdSchema.parse(input.clientId);
  if (!config.BUILTIN_IDP || clientId === config.OIDC_CLIENT_ID) return { revoked: false, reason: "not_allowed" };
  const prisma = await db();
  const rows = await prisma.oidcPayload.findMany({ where: { model: "Grant", accountId: input.userId, clientId }, select: { id: true } });
  if (rows.length === 0) return { revoked: false, reason: "not_found" };
  const grants = await revokeIdpGrants(rows.map((r) => r.id));
  await recordAuditEvent({ event: "revoked", outcome: "success", userId: input.userId, clientId, detail: { target: "mcp_connection", by: "dashboard", grants } });
  return { revoked: true, grants };
}

/** Revokes every registration of one client as the person sees it (list-connections.ts), found by its key among the person's own. */
export async function revokeConnectionGroup(input: { userId: string; key: string }): Promise<RevokeConnectionResult> {
  const group = await findConnectionGroup({ userId: input.userId, key: input.key });
  if (!group) return { revoked: false, reason: "not_found" };
  let grants = 0;
  for (const clientId of group.clientIds) {
    const result = await revokeConnection({ userId: input.userId, clientId });
    if (result.revoked) grants += result.grants;
  }
  return grants > 0 ? { revoked: true, grants } : { revoked: false, reason: "not_found" };
}
