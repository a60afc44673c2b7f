/**
 * Is the built-in IdP's grant behind a token still there? JWT access tokens
 * are stateless: revoking a connection (dashboard, RFC 7009 on its refresh
 * token, refresh-token reuse detection) destroys the grant, and this check
 * makes its outstanding JWTs stop working within GRANT_CHECK_CACHE_MS.
 */
import { createTtlCache } from "@/lib/cache/ttl-cache";
import { db } from "@/lib/db";
import { processWide } from "@/lib/process-wide";

export const GRANT_CHECK_CACHE_MS = 3_000;

async function load(grantId: string): Promise<boolean> {
  const prisma = await db();
  const row = await prisma.oidcPayload.findUnique({ where: { model_id: { model: "Grant", id: grantId } }, select: { expiresAt: true } });
  return row !== null && (row.expiresAt === null || row.expiresAt.getTime() > Date.now());
}

const cache = () => processWide("cache.grant-liveness", () => createTtlCache({ ttlMs: GRANT_CHECK_CACHE_MS, maxEntries: 10_000, load }));

export function forgetGrant(grantId: string): void {
  cache().forget(grantId);
}

export function isGrantAlive(grantId: string): Promise<boolean> {
  return cache().get(grantId);
}
