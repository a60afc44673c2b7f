import { serveMetrics } from "@/lib/metrics/serve-metrics";

export const dynamic = "force-dynamic";

/** Prometheus metrics, behind METRICS_TOKEN (off when unset). */
export function GET(request: Request) {
  return serveMetrics(request);
}
