/**
 * The MCP conformance suite (@modelcontextprotocol/conformance 0.1.13) against
 * an auth-disabled test instance of the production build. The suite has no
 * resource-server auth scenarios (those are mcp-auth-attacks and
 * mcp-external-idp); the applicable server scenarios are the ones below. Most
 * others need the "everything" server's fixture tools, prompts and resources.
 * tools-call-error is not run: it needs the fixture tool `test_error_handling`.
 * With SDK v1 it passed by accident (v1 answered a call to an unknown tool with
 * an isError result); SDK v2 answers it with JSON-RPC -32602, which is what MCP
 * 2025-11-25 (server/tools, "Error Handling": unknown tools are protocol
 * errors) asks for. A failing tool this server does have still answers isError
 * (tests/integration/mcp-nextcloud-tools.test.ts).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStartFailure, startApp, type AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { postMcp, rpc } from "../helpers/mcp-client";

const run = promisify(execFile);
const kind = testDbKind();
const CONFORMANCE = path.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
const SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];

describe(`MCP conformance scenarios on an auth-disabled test instance (${kind})`, () => {
  let db: TestDatabase;
  let app: AppServer;
  let out: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    app = await startApp({ ...db.env, NODE_ENV: "test", MCP_INSECURE_DISABLE_AUTH: "true" });
    out = mkdtempSync(path.join(os.tmpdir(), "ncmcp-conformance-"));
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it.each(SCENARIOS)("passes %s", async (scenario) => {
    const dir = path.join(out, scenario);
    await run(process.execPath, [CONFORMANCE, "server", "--url", `${app.url}/api/mcp`, "--scenario", scenario, "-o", dir], { timeout: 60_000 }).catch((error: { stdout?: string }) => {
      throw new Error(`conformance ${scenario} failed:\n${error.stdout ?? String(error)}`);
    });
    const [runDir] = readdirSync(dir);
    const checks = JSON.parse(readFileSync(path.join(dir, runDir!, "checks.json"), "utf8")) as { id: string; status: string; errorMessage?: string }[];
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.filter((c) => c.status !== "SUCCESS")).toEqual([]);
  });

  it("serves every tool to the fixed test principal, marked as unauthenticated", async () => {
    const res = await postMcp(`${app.url}/api/mcp`, rpc("tools/call", { name: "whoami", arguments: {} }));
    expect(res.status).toBe(200);
    expect((await res.json()).result.structuredContent).toMatchObject({ sub: "auth-disabled-test-user", authentication: "disabled" });
  });

  it("cannot be switched on outside NODE_ENV=test", async () => {
    const refused = await expectStartFailure({ ...db.env, NODE_ENV: "production", MCP_INSECURE_DISABLE_AUTH: "true" });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("MCP_INSECURE_DISABLE_AUTH is only allowed with NODE_ENV=test");
  });
});
