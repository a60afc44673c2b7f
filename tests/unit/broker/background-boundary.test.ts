/**
 * The session path never reaches the refresh token, held by the module graph
 * (and the compiler): from a Nextcloud tool, the provisioning guard or the
 * session broker, no import chain leads to the grant store's refresh code,
 * the background broker or the job runner; only lib/jobs may import the
 * background broker. The one exception, revoke_nextcloud_access (RFC 7009
 * needs the token itself), is named here and nowhere else.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { backgroundToken } from "@/lib/broker/background-token";
import type { JobContext } from "@/lib/broker/job-context";
import type { BackgroundNextcloudToken, SessionNextcloudToken } from "@/lib/tokens/token-types";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

function resolveImport(from: string, spec: string): string | undefined {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return undefined; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  // Type-only imports carry no code; everything else does.
  const specs = [...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!);
  specs.push(...[...source.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!));
  return specs.map((s) => resolveImport(file, s)).filter((f): f is string => f !== undefined);
}

function reachable(entries: string[], stopAt: (file: string) => boolean = () => false): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (stopAt(file)) continue;
    queue.push(...importsOf(file));
  }
  return seen;
}

const rel = (file: string) => path.relative(ROOT, file);
const files = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const full = path.join(ROOT, dir, name);
    return statSync(full).isDirectory() ? files(path.join(dir, name)) : /\.tsx?$/.test(name) ? [full] : [];
  });

const REFRESH_MODULES = ["lib/provisioning/with-refresh-token.ts", "lib/broker/background-token.ts", "lib/jobs/run-background-job.ts"];
const REVOKE_EXCEPTION = "lib/provisioning/revoke-nextcloud-grant.ts";

describe("session path / background path boundary", () => {
  it("no Nextcloud tool, the guard or the session broker can reach refresh-token code", () => {
    const entries = [
      ...files("lib/mcp/tools/nextcloud"),
      path.join(ROOT, "lib/mcp/provisioning-guard.ts"),
      path.join(ROOT, "lib/mcp/define-nextcloud-tool.ts"),
      path.join(ROOT, "lib/broker/exchange-session-token.ts"),
    ];
    const graph = [...reachable(entries)].map(rel);
    expect(graph).toContain("lib/provisioning/grant-store.ts"); // the guard reads grant metadata…
    for (const forbidden of REFRESH_MODULES) expect(graph).not.toContain(forbidden); // …and nothing more
  });

  it("the whole MCP server reaches refresh-token code only through the revoke tool's module", () => {
    const graph = reachable([path.join(ROOT, "lib/mcp/create-mcp-server.ts")], (file) => rel(file) === REVOKE_EXCEPTION);
    const relGraph = [...graph].map(rel);
    expect(relGraph).toContain(REVOKE_EXCEPTION);
    for (const forbidden of REFRESH_MODULES) expect(relGraph).not.toContain(forbidden);
  });

  it("only lib/jobs imports the background broker", () => {
    const importers = [...files("lib"), ...files("app")].filter((f) => importsOf(f).some((i) => rel(i) === "lib/broker/background-token.ts")).map(rel);
    expect(importers.every((f) => f.startsWith("lib/jobs/"))).toBe(true);
  });

  it("the compiler refuses a hand-made job context and mixing token kinds", () => {
    type Background = typeof backgroundToken;
    const fake = { jobId: "x", kind: "tool", userId: "alice" };
    // @ts-expect-error a JobContext can only come from the job runner (unexported brand)
    const call: Parameters<Background>[0] = fake;
    const takesBackground = (token: BackgroundNextcloudToken) => token;
    const session = {} as SessionNextcloudToken;
    // @ts-expect-error a session token is not a background token
    takesBackground(session);
    const ctx = {} as JobContext;
    expect(call).toBe(fake);
    expect(ctx).toBeDefined();
  });
});
