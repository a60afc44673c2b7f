/**
 * The client registry for administrators: every client this server knows —
 * pre-registered, dynamically registered, CIMD, external and this server's
 * own — with its state, last use, and how many people currently have it
 * authorized (live IdP grants).
 */
import type { ClientKind } from "@/lib/auth/client-registry";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";

export interface RegisteredClient {
  clientId: string;
  name: string;
  kind: ClientKind;
  redirectUris: string[];
  disabledAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  /** Accounts with a live grant at the built-in IdP. */
  authorizedAccounts: number;
}

const KIND_ORDER: Record<string, number> = { internal: 0, preregistered: 1, dynamic: 2, cimd: 3, external: 4 };

export async function listRegisteredClients(): Promise<RegisteredClient[]> {
  const prisma = await db();
  const [rows, grants] = await Promise.all([
    prisma.clientRegistration.findMany({ orderBy: { createdAt: "asc" }, take: 1000 }),
    getConfig().BUILTIN_IDP
      ? prisma.oidcPayload.findMany({
          where: { model: "Grant", OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
          distinct: ["clientId", "accountId"],
          select: { clientId: true, accountId: true },
        })
      : Promise.resolve([]),
  ]);
  const counts = new Map<string, number>();
  for (const g of grants) if (g.clientId) counts.set(g.clientId, (counts.get(g.clientId) ?? 0) + 1);
  return rows
    .map((r) => ({
      clientId: r.clientId,
      name: r.name,
      kind: r.kind as ClientKind,
      redirectUris: r.redirectUris,
      disabledAt: r.disabledAt,
      lastUsedAt: r.lastUsedAt,
      createdAt: r.createdAt,
      authorizedAccounts: counts.get(r.clientId) ?? 0,
    }))
    .sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || a.name.localeCompare(b.name));
}
