/**
 * A person narrows what one connected MCP client may do: some of the tool
 * scopes it was granted for this MCP server are taken away, without signing
 * the client out.
 *
 * The client's IdP Grant (oidc-provider, one per account and client) is the
 * source of truth, so one write reaches every path:
 * - its outstanding JWT access tokens: the MCP verifier intersects their
 *   `scope` with the grant's current scopes on every request
 *   (lib/auth/grant-liveness.ts; this process forgets its cached answer here,
 *   so the change applies to the client's very next request);
 * - its refresh token: oidc-provider issues refreshed access tokens with
 *   `grant.getResourceScopeFiltered(resource, …)`, i.e. only what remains;
 * - a later authorization asking for a removed scope: the scope is taken out
 *   of the grant (not marked "rejected"), so the IdP finds it missing and asks
 *   the person again (oidc-provider's rs_scopes_missing consent check).
 *   Widening therefore always needs the client to re-authorize.
 *
 * Rules: only the person's own grants are read (by account, never ids from the
 * request); this server's own client is refused (that is Nextcloud access);
 * `keep` may only hold scopes the client has now (no widening here); OpenID
 * scopes (who you are, stay connected) are untouched.
 */
import { z } from "zod";
import { forgetGrant } from "@/lib/auth/grant-liveness";
import { formatScope, parseScope, resourceScopes } from "@/lib/auth/scopes";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { getProvider } from "@/lib/idp/provider";
import { mcpResourceIndicator } from "@/lib/idp/resources";
import { findConnectionGroup } from "./list-connections";
import { clientIdSchema } from "./revoke-connection";

const TOOL_SCOPES = new Set(resourceScopes("mcp"));

export const narrowConnectionSchema = z.object({
  clientId: clientIdSchema,
  keep: z.array(z.string().max(64)).max(64).transform((s) => [...new Set(s)]),
});

export type NarrowConnectionResult =
  | { narrowed: true; removed: string[]; kept: string[] }
  | { narrowed: false; reason: "not_found" | "not_allowed" | "widening" | "unchanged" };

export async function narrowConnection(input: { userId: string; clientId: unknown; keep: unknown }): Promise<NarrowConnectionResult> {
  const config = getConfig();
  const { clientId, keep } = narrowConnectionSchema.parse({ clientId: input.clientId, keep: input.keep });
  if (!config.BUILTIN_IDP || clientId === config.OIDC_CLIENT_ID) return { narrowed: false, reason: "not_allowed" };
  if (keep.some((s) => !TOOL_SCOPES.has(s))) return { narrowed: false, reason: "widening" };

  const prisma = await db();
  const rows = await prisma.oidcPayload.findMany({
    where: { model: "Grant", accountId: input.userId, clientId, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    select: { id: true },
  });
  if (rows.length === 0) return { narrowed: false, reason: "not_found" };

  const provider = await getProvider();
  const resource = mcpResourceIndicator();
  const grants = (await Promise.all(rows.map((r) => provider.Grant.find(r.id)))).filter(
    (g): g is NonNullable<typeof g> => g !== undefined && g.accountId === input.userId && g.clientId === clientId,
  );
  if (grants.length === 0) return { narrowed: false, reason: "not_found" };
  const held = new Set(grants.flatMap((g) => parseScope(g.getResourceScope(resource))));
  if (keep.some((s) => !held.has(s))) return { narrowed: false, reason: "widening" };
  const removed = [...held].filter((s) => !keep.includes(s));
  if (removed.length === 0) return { narrowed: false, reason: "unchanged" };

  for (const grant of grants) {
    const remaining = parseScope(grant.resources?.[resource]).filter((s) => keep.includes(s));
    // Assigned, not rejectResourceScope: a rejected scope counts as already answered and would never be asked again.
    grant.resources = { ...grant.resources, [resource]: formatScope(remaining) };
    await grant.save();
    forgetGrant(grant.jti);
  }
  const kept = [...held].filter((s) => keep.includes(s));
  await recordAuditEvent({ event: "scopes_removed", outcome: "success", userId: input.userId, clientId, scopes: removed, detail: { target: "mcp_connection", by: "dashboard", kept } });
  return { narrowed: true, removed, kept };
}

export const groupKeySchema = z.string().regex(/^[A-Za-z0-9_-]{10,64}$/);

/**
 * Narrowing one client as the person sees it (every registration of the
 * group, list-connections.ts): `keep` must be among the group's scopes, and
 * each registration keeps what it holds of it.
 */
export async function narrowConnectionGroup(input: { userId: string; key: unknown; keep: unknown }): Promise<NarrowConnectionResult> {
  const key = groupKeySchema.parse(input.key);
  const keep = narrowConnectionSchema.shape.keep.parse(input.keep);
  const group = await findConnectionGroup({ userId: input.userId, key });
  if (!group) return { narrowed: false, reason: "not_found" };
  if (keep.some((s) => !group.scopes.includes(s))) return { narrowed: false, reason: "widening" };
  const removed = new Set<string>();
  for (const clientId of group.clientIds) {
    const held = group.scopesByClient[clientId] ?? [];
    const result = await narrowConnection({ userId: input.userId, clientId, keep: keep.filter((s) => held.includes(s)) });
    if (result.narrowed) result.removed.forEach((s) => removed.add(s));
  }
  return removed.size > 0 ? { narrowed: true, removed: [...removed], kept: keep } : { narrowed: false, reason: "unchanged" };
}
