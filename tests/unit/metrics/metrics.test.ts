import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordAuditMetric, recordExchange, recordToolCall } from "@/lib/metrics/record";
import { renderMetrics } from "@/lib/metrics/registry";
import { serveMetrics } from "@/lib/metrics/serve-metrics";

const TOKEN = "metrics-token-for-the-unit-test-0123456789";
const resetConfig = () => delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
const resetMetrics = () => delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.metrics")];

beforeEach(() => {
  resetMetrics();
  resetConfig();
});
afterEach(() => {
  delete process.env.METRICS_TOKEN;
  resetConfig();
});

describe("metrics", () => {
  it("renders counters and the exchange histogram in the Prometheus text format", () => {
    recordToolCall("nc_notes_get", "ok");
    recordToolCall("nc_notes_get", "ok");
    recordToolCall("nc_notes_get", "tool_error");
    recordAuditMetric("provisioned", "success");
    recordExchange(0.02, "issued");
    recordExchange(3, "denied");
    const text = renderMetrics();
    expect(text).toContain("# TYPE nextcloud_mcp_tool_calls_total counter");
    expect(text).toMatch(/^nextcloud_mcp_tool_calls_total\{outcome="ok",tool="nc_notes_get"\} 2$/m);
    expect(text).toMatch(/^nextcloud_mcp_tool_calls_total\{outcome="tool_error",tool="nc_notes_get"\} 1$/m);
    expect(text).toMatch(/^nextcloud_mcp_events_total\{event="provisioned",outcome="success"\} 1$/m);
    expect(text).toContain("# TYPE nextcloud_mcp_token_exchange_seconds histogram");
    expect(text).toMatch(/^nextcloud_mcp_token_exchange_seconds_bucket\{outcome="issued",le="0.025"\} 1$/m);
    expect(text).toMatch(/^nextcloud_mcp_token_exchange_seconds_bucket\{outcome="issued",le="0.01"\} 0$/m);
    expect(text).toMatch(/^nextcloud_mcp_token_exchange_seconds_bucket\{outcome="denied",le="2.5"\} 0$/m);
    expect(text).toMatch(/^nextcloud_mcp_token_exchange_seconds_bucket\{outcome="denied",le="\+Inf"\} 1$/m);
    expect(text).toMatch(/^nextcloud_mcp_token_exchange_seconds_count\{outcome="denied"\} 1$/m);
  });

  it("GET /api/metrics is off without METRICS_TOKEN, and refuses a missing or wrong bearer token", async () => {
    recordToolCall("whoami", "ok");
    expect(serveMetrics(new Request("http://x/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    process.env.METRICS_TOKEN = TOKEN;
    resetConfig();
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, `Bearer ${TOKEN.slice(0, -1)}`, `bearer  ${TOKEN}`]) {
      const response = serveMetrics(new Request("http://x/api/metrics", { headers: authorization ? { authorization } : {} }));
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect(await response.text()).not.toContain("nextcloud_mcp_");
    }
    const ok = serveMetrics(new Request("http://x/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await ok.text()).toMatch(/nextcloud_mcp_tool_calls_total\{outcome="ok",tool="whoami"\} 1/);
  });
});
