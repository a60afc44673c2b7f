import { pingDatabase } from "@/lib/db";
import { APP_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers and people. */
export async function GET() {
  const headers = { "Cache-Control": "no-store" };
  try {
    await pingDatabase();
    return Response.json({ status: "ok", db: "ok", version: APP_VERSION }, { headers });
  } catch {
    return Response.json({ status: "unavailable", db: "unavailable", version: APP_VERSION }, { status: 503, headers });
  }
}
