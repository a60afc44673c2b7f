/**
 * The MCP clients a person authorized at the built-in IdP: the IdP's Grant
 * rows for this account (oidc-provider keeps one per account and client;
 * older browsers may have left several), grouped by client and joined with
 * the client registry. This server's own client is left out: its grant is the
 * Nextcloud access (and the dashboard sign-in), shown and revoked elsewhere.
 *
 * "Last used": for a client many people share (pre-registered, external),
 * the person's own latest audited use, so nobody learns when others used it;
 * for a client registered by one installation (dynamic, CIMD), the registry's
 * last use of the client.
 */
import type { ClientKind } from "@/lib/auth/client-registry";
import { parseScope } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { mcpResourceIndicator } from "@/lib/idp/resources";

export interface Connection {
  clientId: string;
  name: string;
  kind: ClientKind | "unknown";
  disabled: boolean;
  /** Tool scopes granted for this MCP server. */
  scopes: string[];
  /** OpenID scopes granted (openid, profile, offline_access, …). */
  identityScopes: string[];
  firstAuthorizedAt: Date;
  lastUsedAt: Date | null;
  grantIds: string[];
}

interface GrantPayload {
  openid?: { scope?: string };
  resources?: Record<string, string>;
  iat?: number;
}

const SHARED_KINDS = new Set(["preregistered", "external"]);

export async function listConnections(input: { userId: string }): Promise<Connection[]> {
  const config = getConfig();
  if (!config.BUILTIN_IDP) return [];
  const prisma = await db();
  const grants = await prisma.oidcPayload.findMany({
    where: { model: "Grant", accountId: input.userId, clientId: { not: config.OIDC_CLIENT_ID }, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    select: { id: true, clientId: true, payload: true, createdAt: true },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  const byClient = new Map<string, { grantIds: string[]; scopes: Set<string>; identity: Set<string>; first: Date }>();
  const mcp = mcpResourceIndicator();
  for (const g of grants) {
    if (!g.clientId) continue;
    const payload = (g.payload ?? {}) as GrantPayload;
    const entry = byClient.get(g.clientId) ?? { grantIds: [], scopes: new Set<string>(), identity: new Set<string>(), first: g.createdAt };
    entry.grantIds.push(g.id);
    for (const s of parseScope(payload.resources?.[mcp])) entry.scopes.add(s);
    for (const s of parseScope(payload.openid?.scope)) entry.identity.add(s);
    const issued = typeof payload.iat === "number" ? new Date(payload.iat * 1000) : g.createdAt;
    if (issued < entry.first) entry.first = issued;
    byClient.set(g.clientId, entry);
  }
  if (byClient.size === 0) return [];

  const clientIds = [...byClient.keys()];
  const [registrations, usage] = await Promise.all([
    prisma.clientRegistration.findMany({ where: { clientId: { in: clientIds } } }),
    prisma.auditEvent.groupBy({ by: ["clientId"], where: { userId: input.userId, clientId: { in: clientIds } }, _max: { at: true } }),
  ]);
  const registry = new Map(registrations.map((r) => [r.clientId, r]));
  const ownUse = new Map(usage.map((u) => [u.clientId, u._max.at]));

  return clientIds
    .map((clientId) => {
      const entry = byClient.get(clientId)!;
      const row = registry.get(clientId);
      const kind = (row?.kind ?? "unknown") as Connection["kind"];
      const lastUsedAt = SHARED_KINDS.has(kind) || !row ? (ownUse.get(clientId) ?? null) : (row.lastUsedAt ?? ownUse.get(clientId) ?? null);
      return {
        clientId,
        name: row?.name ?? clientId,
        kind,
        disabled: Boolean(row?.disabledAt),
        scopes: [...entry.scopes],
        identityScopes: [...entry.identity],
        firstAuthorizedAt: entry.first,
        lastUsedAt,
        grantIds: entry.grantIds,
      };
    })
    .sort((a, b) => (b.lastUsedAt ?? b.firstAuthorizedAt).getTime() - (a.lastUsedAt ?? a.firstAuthorizedAt).getTime());
}
