#!/usr/bin/env node
// `npm test`: the whole suite, in the order a failure is cheapest to find:
// type check, lint (ESLint + dependency rules) and production build side by side → unit + integration (PGlite and
// PostgreSQL) side by side with the browser tests (Debian's chromium). Prints one summary line at the end.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import pg from "pg";
import { chromiumInstallHint, chromiumPath } from "../tests/helpers/chromium.mjs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const timings = [];

/**
 * Runs one stage. With `logFile`, its output goes to that file instead of the terminal (a stage that
 * runs beside another would interleave with it line by line); `printLog` shows it afterwards.
 */
function run(label, cmd, args, extraEnv = {}, logFile) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n▶ ${label}${logFile ? ` (output in ${logFile}, shown when it ends)` : ""}`);
    const log = logFile ? createWriteStream(logFile) : undefined;
    const child = spawn(cmd, args, { stdio: log ? ["ignore", "pipe", "pipe"] : "inherit", env: { ...env, ...extraEnv } });
    if (log) {
      child.stdout.pipe(log, { end: false });
      child.stderr.pipe(log, { end: false });
    }
    child.on("close", (code) => {
      timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (log) log.end(() => resolve(code ?? 1));
      else resolve(code ?? 1);
    });
  });
}

/** A stage's log, without the browser tests' web server request lines (they stay in the file). */
function printLog(label, logFile) {
  console.log(`\n▶ ${label}: output (the web server's own lines are in ${logFile})`);
  const lines = readFileSync(logFile, "utf8").split("\n").filter((line) => !line.startsWith("[WebServer] {"));
  console.log(lines.join("\n"));
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
if (!existsSync(chromiumPath)) fail(`Browser tests need Debian's chromium at ${chromiumPath}: ${chromiumInstallHint}`);
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

// The type check, the lint and the build share nothing but the sources: run them side by side.
const [typecheck, lint, build] = await Promise.all([
  run("type check", "node_modules/.bin/tsc", ["--noEmit"]),
  run("lint", "npm", ["run", "--silent", "lint"]),
  run("build", "node_modules/.bin/next", ["build"]),
]);
if (typecheck !== 0) fail("type check failed");
if (lint !== 0) fail("lint failed (npm run lint: ESLint and the dependency rules in .dependency-cruiser.cjs)");
if (build !== 0) fail("next build failed");
// Vitest and the browser tests side by side: run one after the other they left the 2-core reference machine
// a third idle (2026-12-07, main 61ed705: npm test 1,082 s wall for 1,462 s of CPU, 135 % of 200 %), and they
// share nothing but the build (the browser tests' server has its own port and data folder: tests/e2e/serve.mjs).
const e2ePort = String(await freePort());
const [vitest, playwright] = await Promise.all([
  run("unit + integration (PGlite, PostgreSQL)", "node_modules/.bin/vitest", [
    "run",
    "--reporter=default",
    "--reporter=json",
    "--outputFile.json=reports/vitest.json",
  ]),
  run(
    "browser (chromium)",
    "node_modules/.bin/playwright",
    ["test", "--reporter=list,json"],
    { E2E_PORT: e2ePort, PLAYWRIGHT_JSON_OUTPUT_NAME: "reports/playwright.json" },
    "reports/browser.log",
  ),
]);
printLog("browser (chromium)", "reports/browser.log");

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const v = JSON.parse(readFileSync("reports/vitest.json", "utf8"));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
} catch {
  failed += vitest === 0 ? 0 : 1;
}
try {
  const p = JSON.parse(readFileSync("reports/playwright.json", "utf8"));
  passed += p.stats.expected;
  failed += p.stats.unexpected + p.stats.flaky;
  skipped += p.stats.skipped;
} catch {
  failed += playwright === 0 ? 0 : 1;
}
console.log(`\nTimings: ${timings.join(", ")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(vitest !== 0 || playwright !== 0 ? 1 : 0);
