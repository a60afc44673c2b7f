/**
 * GET /api/metrics: off unless METRICS_TOKEN is set (404, as if absent), and
 * then only for `Authorization: Bearer <METRICS_TOKEN>` (RFC 6750 §2.1),
 * compared in constant time; a missing or wrong token gets 401 with a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750 §3) and no metrics.
 */
import { getConfig } from "@/lib/config";
import { presentsBearerSecret } from "@/lib/http/bearer-secret";
import { renderMetrics } from "./registry";

export function serveMetrics(request: Request): Response {
  const expected = getConfig().METRICS_TOKEN;
  const headers = { "Cache-Control": "no-store" };
  if (!expected) return new Response("Not found\n", { status: 404, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" } });
  if (!presentsBearerSecret(request, expected)) {
    return new Response("Unauthorized\n", { status: 401, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": 'Bearer realm="metrics"' } });
  }
  return new Response(renderMetrics(), { headers: { ...headers, "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } });
}
