/**
 * GET /api/metrics: off unless METRICS_TOKEN is set (404, as if absent), and
 * then only for `Authorization: Bearer <METRICS_TOKEN>` (RFC 6750 §2.1),
 * compared in constant time; a missing or wrong token gets 401 with a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750 §3) and no metrics.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { getConfig } from "@/lib/config";
import { renderMetrics } from "./registry";

const digest = (value: string) => createHash("sha256").update(value).digest();

export function serveMetrics(request: Request): Response {
  const expected = getConfig().METRICS_TOKEN;
  const headers = { "Cache-Control": "no-store" };
  if (!expected) return new Response("Not found\n", { status: 404, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" } });
  const presented = /^Bearer ([\x21-\x7e]+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  // Hashing first makes the comparison constant-time whatever the lengths.
  if (!timingSafeEqual(digest(presented), digest(expected))) {
    return new Response("Unauthorized\n", { status: 401, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": 'Bearer realm="metrics"' } });
  }
  return new Response(renderMetrics(), { headers: { ...headers, "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } });
}
