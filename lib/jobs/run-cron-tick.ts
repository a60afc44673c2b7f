/**
 * GET /api/cron/sync (serverless: Vercel Cron calls it every few minutes
 * with `Authorization: Bearer <CRON_SECRET>`): off (404) unless CRON_SECRET
 * is set and BACKGROUND_JOBS is not "off"; a missing or wrong secret gets 401
 * (RFC 6750 §3) and runs nothing; otherwise one scheduler pass under the same
 * runner lease as the in-process scheduler, within the function's time. The
 * lease is released when the pass ends: each call is a new holder (a new
 * function instance), so a lease left to expire would make the next call
 * within RUNNER_LEASE_MS skip its work although nothing runs.
 */
import { getConfig } from "@/lib/config";
import { presentsBearerSecret } from "@/lib/http/bearer-secret";
import { RUNNER_LEASE, runnerId, runSchedulerTick } from "./job-scheduler";
import { releaseLease } from "./runner-lease";

const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...extra } });

export async function runCronTick(request: Request): Promise<Response> {
  const config = getConfig();
  if (!config.CRON_SECRET || config.BACKGROUND_JOBS === "off") return json(404, { error: "not_found" });
  if (!presentsBearerSecret(request, config.CRON_SECRET)) return json(401, { error: "unauthorized" }, { "WWW-Authenticate": 'Bearer realm="cron"' });
  const holder = runnerId();
  let summary: Awaited<ReturnType<typeof runSchedulerTick>>;
  try {
    summary = await runSchedulerTick(holder, 40_000);
  } finally {
    await releaseLease(RUNNER_LEASE, holder); // only ever this call's own lease
  }
  return json(200, summary ? { ran: summary.ran, failed: summary.failed } : { ran: 0, failed: 0, skipped: "another runner holds the lease" });
}
