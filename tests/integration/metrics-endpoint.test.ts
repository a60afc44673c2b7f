/**
 * GET /api/metrics on the running app: 401 without the METRICS_TOKEN bearer,
 * Prometheus text with it, counting a tool call made over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../helpers/app-server";
import { createTestDatabase, type TestDatabase } from "../helpers/databases";

const TOKEN = "metrics-token-for-the-integration-test-0123456789";
let database: TestDatabase;
let app: AppServer;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  // The auth-disabled test instance (NODE_ENV=test only) lets the test call a tool without a sign-in.
  app = await startApp({ ...database.env, NODE_ENV: "test", MCP_INSECURE_DISABLE_AUTH: "true", METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

describe("/api/metrics", { timeout: 120_000 }, () => {
  it("refuses without the token, and with it counts a tool call by tool and outcome", async () => {
    for (const headers of [{}, { authorization: "Bearer not-the-token" }] as Record<string, string>[]) {
      const refused = await fetch(`${app.url}/api/metrics`, { headers });
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain("nextcloud_mcp_");
    }
    const call = await fetch(`${app.url}/api/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } }),
    });
    expect(call.status).toBe(200);
    expect(await call.text()).toContain('"result"');
    const metrics = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toMatch(/^nextcloud_mcp_tool_calls_total\{outcome="ok",tool="whoami"\} 1$/m);
  });
});
