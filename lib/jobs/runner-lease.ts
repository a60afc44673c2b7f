/**
 * A named lease across server instances (runner_leases): one holder at a
 * time until the lease expires, so several `next start` processes or
 * containers on one database run one job runner, and a crashed holder's
 * lease is taken over once it expires. One statement decides (INSERT … ON
 * CONFLICT DO UPDATE … WHERE), so two instances can never both win.
 */
import { db } from "@/lib/db";

/** Takes or renews `name` for `holder` until now + ttlMs; false while someone else holds it. */
export async function acquireLease(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const prisma = await db();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const rows = await prisma.$queryRaw<{ holder: string }[]>`
    INSERT INTO runner_leases (name, holder, expires_at) VALUES (${name}, ${holder}, ${expiresAt})
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
     WHERE runner_leases.holder = EXCLUDED.holder OR runner_leases.expires_at <= ${now}
    RETURNING holder`;
  return rows.length === 1 && rows[0]!.holder === holder;
}

export async function releaseLease(name: string, holder: string): Promise<void> {
  const prisma = await db();
  await prisma.runnerLease.deleteMany({ where: { name, holder } });
}
