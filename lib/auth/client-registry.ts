/**
 * The client registry: which OAuth clients may use this server, whatever way
 * they were registered. The IdP records clients as they appear (pre-registered
 * from ALLOWED_MCP_CLIENTS, dynamic registration, client metadata documents);
 * the token verifier asks `checkClient` on every MCP request.
 *
 * Policy (MCP_CLIENT_POLICY):
 * - open: any recorded, enabled client may connect; with an external IdP, a
 *   client seen for the first time is recorded as `external` so that an admin
 *   can disable it.
 * - allowlist: only ALLOWED_MCP_CLIENTS may connect; an empty list refuses
 *   every client (fail closed).
 * A disabled client is refused everywhere. Answers are cached for a few
 * seconds per process (lib/cache/ttl-cache: one read per expiry however many
 * requests wait) so that disabling cuts a client off within seconds.
 */
import { createTtlCache, type TtlCache } from "@/lib/cache/ttl-cache";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { processWide } from "@/lib/process-wide";

export type ClientKind = "preregistered" | "dynamic" | "cimd" | "internal" | "external";

export type ClientCheck =
  | { allowed: true; kind: ClientKind }
  | { allowed: false; reason: "unknown_client" | "client_disabled" | "not_allowlisted" };

export interface PreregisteredClient {
  clientId: string;
  redirectUris: string[];
}

export const CLIENT_CHECK_CACHE_MS = 3_000;

/** ALLOWED_MCP_CLIENTS as clients: `id|redirect-uri` entries, an id may repeat for more URIs. */
export function preregisteredClients(entries: readonly string[] = getConfig().ALLOWED_MCP_CLIENTS ?? []): PreregisteredClient[] {
  const byId = new Map<string, string[]>();
  for (const entry of entries) {
    const bar = entry.indexOf("|");
    const clientId = (bar < 0 ? entry : entry.slice(0, bar)).trim();
    const redirect = bar < 0 ? "" : entry.slice(bar + 1).trim();
    if (!clientId) continue;
    const uris = byId.get(clientId) ?? [];
    if (redirect && !uris.includes(redirect)) uris.push(redirect);
    byId.set(clientId, uris);
  }
  return [...byId].map(([clientId, redirectUris]) => ({ clientId, redirectUris }));
}

function cache(): TtlCache<string, ClientCheck> {
  return processWide("cache.client-registry", () => createTtlCache({ ttlMs: CLIENT_CHECK_CACHE_MS, maxEntries: 10_000, load: decide }));
}

/** Forget cached answers (after an admin change in this process). */
export function clearClientCache(clientId?: string): void {
  cache().forget(clientId);
}

async function decide(clientId: string): Promise<ClientCheck> {
  const config = getConfig();
  const prisma = await db();
  const row = await prisma.clientRegistration.findUnique({ where: { clientId } });
  if (row?.disabledAt) return { allowed: false, reason: "client_disabled" };
  if (row?.kind === "internal") return { allowed: true, kind: "internal" };
  if (config.MCP_CLIENT_POLICY === "allowlist") {
    const listed = preregisteredClients().some((c) => c.clientId === clientId);
    return listed ? { allowed: true, kind: "preregistered" } : { allowed: false, reason: "not_allowlisted" };
  }
  if (row) return { allowed: true, kind: row.kind as ClientKind };
  if (preregisteredClients().some((c) => c.clientId === clientId)) return { allowed: true, kind: "preregistered" };
  if (!config.BUILTIN_IDP) {
    // The external IdP vouched for this client: record it so it can be disabled.
    await recordClient({ clientId, kind: "external", name: clientId, redirectUris: [] });
    return { allowed: true, kind: "external" };
  }
  return { allowed: false, reason: "unknown_client" };
}

/** May this client use the server? Cached per process for CLIENT_CHECK_CACHE_MS, one database read per expiry. */
export function checkClient(clientId: string): Promise<ClientCheck> {
  return cache().get(clientId);
}

/** Records a client (idempotent). Never re-enables a client an admin disabled. */
export async function recordClient(input: { clientId: string; kind: ClientKind; name: string; redirectUris: string[] }): Promise<void> {
  const prisma = await db();
  await prisma.clientRegistration.upsert({
    where: { clientId: input.clientId },
    create: { clientId: input.clientId, kind: input.kind, name: input.name.slice(0, 200), redirectUris: input.redirectUris },
    update: { name: input.name.slice(0, 200), redirectUris: input.redirectUris },
  });
  clearClientCache(input.clientId);
}

export async function setClientDisabled(clientId: string, disabled: boolean): Promise<boolean> {
  const prisma = await db();
  const { count } = await prisma.clientRegistration.updateMany({ where: { clientId }, data: { disabledAt: disabled ? new Date() : null } });
  clearClientCache(clientId);
  return count > 0;
}

export async function deleteClient(clientId: string): Promise<boolean> {
  const prisma = await db();
  const { count } = await prisma.clientRegistration.deleteMany({ where: { clientId } });
  clearClientCache(clientId);
  return count > 0;
}

const TOUCH_INTERVAL_MS = 60_000;
const touched = new Map<string, number>();

/** Marks a client as used (at most once a minute per client and process). */
export async function touchClient(clientId: string): Promise<void> {
  const now = Date.now();
  if ((touched.get(clientId) ?? 0) > now - TOUCH_INTERVAL_MS) return;
  touched.set(clientId, now);
  if (touched.size > 10_000) touched.clear();
  const prisma = await db();
  await prisma.clientRegistration.updateMany({ where: { clientId }, data: { lastUsedAt: new Date() } });
}
