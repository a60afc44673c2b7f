/**
 * The running version, as JSON: lets a deployment check which build answers
 * without touching the database (unlike /api/health, which pings it). Also the
 * floor of `npm run bench`: the cheapest route handler this app has.
 */
import { APP_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ version: APP_VERSION }, { headers: { "Cache-Control": "no-store" } });
}
