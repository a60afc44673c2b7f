import { runCronTick } from "@/lib/jobs/run-cron-tick";

export const dynamic = "force-dynamic";

/** Runs due background jobs; behind CRON_SECRET (lib/jobs/run-cron-tick.ts). */
export function GET(request: Request) {
  return runCronTick(request);
}
