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
 *
 * One entry per client as a person sees it: registrations of the same
 * application (client-identity.ts) are one group, with their scopes joined and
 * the number of registrations shown. Group actions (narrow, revoke) look the
 * group up here again by its key, for the signed-in person only.
 */
import type { ClientKind } from "@/lib/auth/client-registry";
import { parseScope } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { mcpResourceIndicator } from "@/lib/idp/resources";
import { clientIdentity } from "./client-identity";

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

/** One application as the person sees it; `clientId` is its newest registration. */
export interface ConnectionGroup extends Connection {
  /** Digest of the client's identity (client-identity.ts): safe in forms and URLs. */
  key: string;
  /** Every registration of the group, newest first. */
  clientIds: string[];
  registrations: number;
  /** Tool scopes per registration (narrowing never widens one of them). */
  scopesByClient: Record<string, string[]>;
}

interface GrantPayload {
  openid?: { scope?: string };
  resources?: Record<string, string>;
  iat?: number;
}

const SHARED_KINDS = new Set(["preregistered", "external"]);

async function listRegistrations(input: { userId: string }): Promise<(Connection & { key: string; registeredAt: Date })[]> {
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
  const [registrations, usage, metadata] = await Promise.all([
    prisma.clientRegistration.findMany({ where: { clientId: { in: clientIds } } }),
    prisma.auditEvent.groupBy({ by: ["clientId"], where: { userId: input.userId, clientId: { in: clientIds } }, _max: { at: true } }),
    // RFC 7591 metadata as the IdP stored it (software_id is not in the registry).
    prisma.oidcPayload.findMany({ where: { model: "Client", id: { in: clientIds } }, select: { id: true, payload: true } }),
  ]);
  const registry = new Map(registrations.map((r) => [r.clientId, r]));
  const ownUse = new Map(usage.map((u) => [u.clientId, u._max.at]));
  const softwareIds = new Map(
    metadata.map((m) => [m.id, typeof (m.payload as { software_id?: unknown } | null)?.software_id === "string" ? ((m.payload as { software_id: string }).software_id) : undefined]),
  );

  return clientIds
    .map((clientId) => {
      const entry = byClient.get(clientId)!;
      const row = registry.get(clientId);
      const kind = (row?.kind ?? "unknown") as Connection["kind"];
      const lastUsedAt = SHARED_KINDS.has(kind) || !row ? (ownUse.get(clientId) ?? null) : (row.lastUsedAt ?? ownUse.get(clientId) ?? null);
      const name = row?.name ?? clientId;
      return {
        clientId,
        key: clientIdentity({ clientId, kind, name, redirectUris: row?.redirectUris ?? [], softwareId: softwareIds.get(clientId) }),
        registeredAt: row?.createdAt ?? entry.first,
        name,
        kind,
        disabled: Boolean(row?.disabledAt),
        scopes: [...entry.scopes],
        identityScopes: [...entry.identity],
        firstAuthorizedAt: entry.first,
        lastUsedAt,
        grantIds: entry.grantIds,
      };
    })
    .sort((a, b) => b.registeredAt.getTime() - a.registeredAt.getTime());
}

const latest = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a > b ? a : b);
const recency = (c: Connection) => (c.lastUsedAt ?? c.firstAuthorizedAt).getTime();

export async function listConnections(input: { userId: string }): Promise<ConnectionGroup[]> {
  const groups = new Map<string, ConnectionGroup>();
  // Newest registration first: it names the group and is the one the client uses now.
  for (const { key, registeredAt: _registeredAt, ...c } of await listRegistrations(input)) {
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { ...c, key, clientIds: [c.clientId], registrations: 1, scopesByClient: { [c.clientId]: c.scopes } });
      continue;
    }
    group.clientIds.push(c.clientId);
    group.registrations++;
    group.scopesByClient[c.clientId] = c.scopes;
    group.scopes = [...new Set([...group.scopes, ...c.scopes])];
    group.identityScopes = [...new Set([...group.identityScopes, ...c.identityScopes])];
    group.grantIds.push(...c.grantIds);
    group.disabled &&= c.disabled;
    if (c.firstAuthorizedAt < group.firstAuthorizedAt) group.firstAuthorizedAt = c.firstAuthorizedAt;
    group.lastUsedAt = latest(group.lastUsedAt, c.lastUsedAt);
  }
  return [...groups.values()].sort((a, b) => recency(b) - recency(a));
}

/** The signed-in person's group with this key, or undefined (someone else's, gone, or made up). */
export async function findConnectionGroup(input: { userId: string; key: string }): Promise<ConnectionGroup | undefined> {
  return (await listConnections({ userId: input.userId })).find((g) => g.key === input.key);
}
