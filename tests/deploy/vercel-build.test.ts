/**
 * `vercel build` (CLI 58.10.0) as Vercel runs it, offline, with the Deploy
 * button's variables: .vercel/output holds the functions, with the
 * durations vercel.json gives the MCP endpoint and the IdP routes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const OUTPUT = path.join(ROOT, ".vercel", "output");
const funcConfig = (name: string) => JSON.parse(readFileSync(path.join(OUTPUT, "functions", `${name}.func`, ".vc-config.json"), "utf8")) as { maxDuration?: number; runtime?: string };

describe("vercel build", () => {
  it("produces .vercel/output with the MCP endpoint and the IdP as functions, durations from vercel.json", () => {
    const result = spawnSync(process.execPath, ["scripts/vercel-build.mjs"], { cwd: ROOT, stdio: "inherit", env: { ...process.env } });
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(OUTPUT, "config.json"), "utf8"))).toMatchObject({ version: 3 });
    expect(funcConfig("api/mcp")).toMatchObject({ maxDuration: 60, runtime: expect.stringMatching(/^nodejs/) });
    expect(funcConfig("api/oidc/[...path]")).toMatchObject({ maxDuration: 30 });
    expect(funcConfig("oauth/authorize-nextcloud/continue")).toMatchObject({ maxDuration: 30 });
    expect(existsSync(path.join(OUTPUT, "functions", "api", "health.func"))).toBe(true);
  });
});
