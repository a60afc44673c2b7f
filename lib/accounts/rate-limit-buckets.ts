/**
 * Fixed-window counters in the database (table rate_limit_buckets), so that
 * every app process on one database shares them. Each change is one atomic
 * SQL statement: concurrent hits on one key never lose an increment, and the
 * window is judged by the database's clock, not by each process's.
 *
 * Timestamps are stored like Prisma stores them (UTC in a `timestamp` column),
 * hence `now() AT TIME ZONE 'UTC'`.
 */
import { db } from "@/lib/db";

export interface Window {
  /** Hits allowed in one window. */
  limit: number;
  windowSeconds: number;
}

export interface Hit {
  /** Hits in the current window, this one included. */
  count: number;
  /** Seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
  /** count > limit */
  limited: boolean;
}

// A bucket stops counting far above any limit: the column is a 32-bit int.
const COUNT_CAP = 1_000_000;

/** Counts one hit on `key`, starting a new window when the last one has ended. */
export async function hitBucket(key: string, window: Window): Promise<Hit> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<{ count: number; retry_after: number }[]>`
    INSERT INTO "rate_limit_buckets" AS b ("key", "count", "window_start", "expires_at")
    VALUES (
      ${key}, 1, now() AT TIME ZONE 'UTC',
      (now() AT TIME ZONE 'UTC') + make_interval(secs => ${window.windowSeconds}::double precision)
    )
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN b."expires_at" <= EXCLUDED."window_start" THEN 1 ELSE LEAST(b."count" + 1, ${COUNT_CAP}::int) END,
      "window_start" = CASE WHEN b."expires_at" <= EXCLUDED."window_start" THEN EXCLUDED."window_start" ELSE b."window_start" END,
      "expires_at" = CASE WHEN b."expires_at" <= EXCLUDED."window_start" THEN EXCLUDED."expires_at" ELSE b."expires_at" END
    RETURNING "count",
      GREATEST(1, CEIL(EXTRACT(EPOCH FROM ("expires_at" - (now() AT TIME ZONE 'UTC')))))::int AS "retry_after"`;
  const row = rows[0];
  if (!row) throw new Error("rate limit bucket update returned no row");
  const count = Number(row.count);
  return { count, retryAfterSeconds: Number(row.retry_after), limited: count > window.limit };
}

/** Takes one hit back (a reserved attempt that turned out not to be a failure). */
export async function releaseHit(key: string): Promise<void> {
  const prisma = await db();
  await prisma.$executeRaw`UPDATE "rate_limit_buckets" SET "count" = GREATEST("count" - 1, 0) WHERE "key" = ${key}`;
}

/** Forgets a key's window entirely. */
export async function resetBucket(key: string): Promise<void> {
  const prisma = await db();
  await prisma.$executeRaw`DELETE FROM "rate_limit_buckets" WHERE "key" = ${key}`;
}

/** Deletes every bucket whose window has ended; returns how many. */
export async function purgeExpiredBuckets(): Promise<number> {
  const prisma = await db();
  return prisma.$executeRaw`DELETE FROM "rate_limit_buckets" WHERE "expires_at" <= now() AT TIME ZONE 'UTC'`;
}
