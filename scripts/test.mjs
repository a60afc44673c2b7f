#!/usr/bin/env node
// `npm test`: the whole suite, in the order a failure is cheapest to find:
// type check, lint (ESLint + dependency rules) and production build side by side → unit + integration (PGlite and PostgreSQL)
// → browser tests (Debian chromium-headless-shell). Prints one summary line at the end.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import pg from "pg";
import { chromiumInstallHint, chromiumPath } from "../tests/helpers/chromium.mjs";
import { playwrightFailures, vitestFailures } from "./test-report.mjs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const timings = [];

function run(label, cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n▶ ${label}`);
    const child = spawn(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
    child.on("exit", (code) => {
      timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
      resolve(code ?? 1);
    });
  });
}

function fail(message) {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Preconditions, with what to do about them.
if (!existsSync(chromiumPath)) fail(`Browser tests need Debian's chromium-headless-shell at ${chromiumPath}: ${chromiumInstallHint}`);
// The sandbox's calendars and contacts are Radicale's (lib/sandbox/dav/radicale-process.ts runs it on the system Python).
if (!existsSync("/usr/bin/radicale")) fail("The calendar and contacts tests need Debian's radicale: apt-get install -y --no-install-recommends radicale");
const adminUrl = env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
try {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  await client.end();
} catch (error) {
  fail(
    `The integration suite needs PostgreSQL at ${new URL(adminUrl).host} (${error.message}).\n` +
      "  Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
  );
}

rmSync("reports", { recursive: true, force: true });
mkdirSync("reports", { recursive: true });

// The type check, the lint and the build share nothing but the sources: run them side by side. The unit
// tests (they need neither) were tried beside them (2026-12-08, clean build each time, twice): 70.9 → 68.1 s
// and 54.2 → 49.2 s for the four, while the unit tests then share the cores with five processes and a
// CPU-timing test failed in a CI run: not worth it, they run with the integration tests.
const [typecheck, lint, build] = await Promise.all([
  run("type check", "node_modules/.bin/tsc", ["--noEmit"]),
  run("lint", "npm", ["run", "--silent", "lint"]),
  run("build", "node_modules/.bin/next", ["build"]),
]);
if (typecheck !== 0) fail("type check failed");
if (lint !== 0) fail("lint failed (npm run lint: ESLint and the dependency rules in .dependency-cruiser.cjs)");
if (build !== 0) fail("next build failed");
// The browser tests after vitest, not beside it: side by side (tried on the 2-core reference machine,
// 2026-12-07, clean clone of 49638a7) npm test took 1,245 s against 1,082 s one after the other, vitest
// 1,126 s against 679 s, and dev-server-restart ran out of time. The cores are already busy with either
// alone (vmstat: idle ~0 %; /usr/bin/time undercounts, as Chromium's helper processes are not its children).
const vitest = await run("unit + integration (PGlite, PostgreSQL)", "node_modules/.bin/vitest", [
  "run",
  "--reporter=default",
  "--reporter=json",
  "--outputFile.json=reports/vitest.json",
]);
const playwright = await run("browser (chromium)", "node_modules/.bin/playwright", ["test", "--reporter=list,json"], {
  E2E_PORT: String(await freePort()),
  PLAYWRIGHT_JSON_OUTPUT_NAME: "reports/playwright.json",
});

let passed = 0;
let failed = 0;
let skipped = 0;
// The names of what failed, repeated at the very end with the start of each error: a CI log is often read
// from its tail only.
const failures = [];
const FAILURE_LINES = 25;
try {
  const v = JSON.parse(readFileSync("reports/vitest.json", "utf8"));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  failures.push(...vitestFailures(v, process.cwd(), { lines: FAILURE_LINES }));
} catch {
  failed += vitest === 0 ? 0 : 1;
}
try {
  const p = JSON.parse(readFileSync("reports/playwright.json", "utf8"));
  passed += p.stats.expected;
  failed += p.stats.unexpected + p.stats.flaky;
  skipped += p.stats.skipped;
  failures.push(...playwrightFailures(p, { lines: FAILURE_LINES }));
} catch {
  failed += playwright === 0 ? 0 : 1;
}
if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  ✖ ${f}`).join("\n")}`);
console.log(`\nTimings: ${timings.join(", ")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(vitest !== 0 || playwright !== 0 ? 1 : 0);
