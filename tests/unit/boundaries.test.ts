import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Architectural rules that a grep can hold the line on.
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "generated" || name === "node_modules") return [];
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(ts|tsx|mjs)$/.test(name) ? [full] : [];
  });
}
const appCode = () => [...sources("lib"), ...sources("app"), "proxy.ts", "instrumentation.ts"];

describe("boundaries", () => {
  it("process.env is read only by lib/config (and Next's build-time NEXT_RUNTIME switch)", () => {
    const offenders = appCode()
      .filter((file) => !file.startsWith(path.join("lib", "config")) && file !== "instrumentation.ts")
      // The dashboard's session helper may set (never read) NEXTAUTH_URL: next-auth 4 takes its URL only from there.
      .filter((file) => /process\.env/.test(readFileSync(file, "utf8").replace(file === path.join("lib", "dashboard", "session.ts") ? /process\.env\.NEXTAUTH_URL = /g : /^$/, "")));
    expect(offenders).toEqual([]);
    expect(readFileSync("instrumentation.ts", "utf8").match(/process\.env\.\w+/g)).toEqual(["process.env.NEXT_RUNTIME"]);
  });

  it("only lib/db imports Prisma", () => {
    const offenders = appCode()
      .filter((file) => !file.startsWith(path.join("lib", "db")))
      .filter((file) => /from ["'](@prisma\/|.*\/generated\/|pglite-prisma-adapter|@electric-sql\/pglite)/.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });
});
