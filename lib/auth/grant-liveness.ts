/**
 * Is the built-in IdP's grant behind a token still there? JWT access tokens
 * are stateless: revoking a connection (dashboard, RFC 7009 on its refresh
 * token, refresh-token reuse detection) destroys the grant, and this check
 * makes its outstanding JWTs stop working within GRANT_CHECK_CACHE_MS.
 */
import { db } from "@/lib/db";

export const GRANT_CHECK_CACHE_MS = 3_000;
const KEY = Symbol.for("nextcloud-mcp.grant-liveness-cache");

function cache(): Map<string, { at: number; alive: boolean }> {
  const holder = globalThis as { [KEY]?: Map<string, { at: number; alive: boolean }> };
  return (holder[KEY] ??= new Map());
}

export function forgetGrant(grantId: string): void {
  cache().delete(grantId);
}

export async function isGrantAlive(grantId: string): Promise<boolean> {
  const hit = cache().get(grantId);
  const now = Date.now();
  if (hit && now - hit.at < GRANT_CHECK_CACHE_MS) return hit.alive;
  const prisma = await db();
  const row = await prisma.oidcPayload.findUnique({ where: { model_id: { model: "Grant", id: grantId } }, select: { expiresAt: true } });
  const alive = row !== null && (row.expiresAt === null || row.expiresAt.getTime() > now);
  if (cache().size > 10_000) cache().clear();
  cache().set(grantId, { at: now, alive });
  return alive;
}
