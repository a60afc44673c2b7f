#!/usr/bin/env node
// Starts the production build for the browser tests on a fresh embedded
// database in a temporary folder (removed on exit), with the test accounts in it:
// - a copy of the seeded folder an earlier run kept (os.tmpdir()/ncmcp-e2e-seeded-<key>,
//   named by everything that decides its content: seededKey of tests/helpers/pglite-template.mjs
//   and seedFiles below), ~0.1 s;
// - otherwise a copy of the migrated PGlite template when there is one (npm test's
//   integration stage makes it before the browser tests: tests/helpers/pglite-template.mjs),
//   ~0.1 s instead of ~4 CPU-s of initdb plus the migrations, or else (the browser tests run
//   alone, before any integration run) an empty folder, migrated on first open; then
//   seed-users.ts creates the accounts (~3 s: tsx, the database, 18 scrypt hashes) and a
//   copy of the result is kept for the next run.
// The accounts are made before the app starts (PGlite admits one process at a time).
//
// Stopping: on SIGINT, SIGTERM or SIGHUP, when the runner that started this
// script goes away (stdin is its pipe, and it closes), and as a last resort
// whenever this process exits, the app and every process below it are stopped
// (tests/helpers/process-tree.mjs) and the folder is removed. Playwright's own
// stop is a SIGKILL to this script's process group, which `next start` (it
// runs in-process, renamed "next-server") shares, so that leaves nothing either.
import { spawn, spawnSync } from "node:child_process";
import { fstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SHORT_LIVED_NODE_FLAGS } from "../helpers/node-flags.mjs";
import { copyPgliteFolder, copyPgliteTemplate, keepPgliteFolder, seededKey } from "../helpers/pglite-template.mjs";
import { alive, killProcessesNow, processTree, stopProcesses } from "../helpers/process-tree.mjs";

const port = process.argv[2] ?? "3210";
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ncmcp-e2e-"));
const env = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  APP_URL: `http://127.0.0.1:${port}`,
  DATA_DIR: dataDir,
  // Production mode requires an encryption key; this one exists only for the browser tests.
  TOKEN_ENCRYPTION_KEYS: "e2e1:ZTJlLWtleS1lMmUta2V5LWUyZS1rZXktZTJlLTMyYnk=",
  // No Nextcloud runs beside the browser tests: a sync could only fail and retry. The job rows and the
  // dashboard's search card do not need the runner (tests/integration/search-index.test.ts runs it).
  BACKGROUND_JOBS: "off",
};

/** The files that pick the accounts (users.json, and the spec files with e2e-users.ts, which give each file its roles) and write them (seed-users.ts). */
function seedFiles() {
  const e2e = import.meta.dirname;
  return readdirSync(e2e)
    .filter((f) => f.endsWith(".spec.ts") || ["users.json", "e2e-users.ts", "seed-users.ts"].includes(f))
    .sort()
    .flatMap((f) => [f, readFileSync(path.join(e2e, f))]);
}

const seededDir = path.join(os.tmpdir(), `ncmcp-e2e-seeded-${seededKey(seedFiles())}`);
if (copyPgliteFolder(seededDir, dataDir)) {
  console.log(`The browser tests' accounts: a copy of ${seededDir}.`);
} else {
  if (!copyPgliteTemplate(dataDir)) console.log("No migrated PGlite template (the integration tests make it): starting from an empty database.");
  // One process for every account (tests/e2e/seed-users.ts): a CLI run per account cost a tsx start and a database open each.
  // A process of a few seconds: the flags of tests/helpers/node-flags.mjs.
  const seeded = spawnSync(process.execPath, [...SHORT_LIVED_NODE_FLAGS, "--import", "tsx", "tests/e2e/seed-users.ts"], { env, stdio: ["ignore", "inherit", "inherit"] });
  if (seeded.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(seeded.status ?? 1);
  }
  keepPgliteFolder(dataDir, seededDir);
}

const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", port], { stdio: ["ignore", "inherit", "inherit"], env });
let running = true;
const exited = new Promise((resolve) => child.on("exit", resolve));
const appProcesses = () => (running ? processTree(child.pid).filter(alive) : []);
const cleanup = () => rmSync(dataDir, { recursive: true, force: true });

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  const pids = appProcesses();
  if (pids.length > 0) await stopProcesses(pids, exited);
  cleanup();
  process.exit(0);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => void shutdown());
// Only for a pipe (a runner): a terminal or /dev/null as stdin says nothing about who started us.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on("end", () => void shutdown());
  process.stdin.on("error", () => void shutdown());
  process.stdin.resume();
}
process.on("exit", () => {
  killProcessesNow(appProcesses());
  cleanup();
});
child.on("exit", (code) => {
  running = false;
  if (stopping) return;
  cleanup();
  process.exit(code ?? 0);
});
