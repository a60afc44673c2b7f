#!/usr/bin/env node
// Starts the production build for the browser tests on a fresh embedded
// database in a temporary folder (removed on exit), with the test accounts in it:
// - a copy of the seeded folder an earlier run kept (os.tmpdir()/ncmcp-e2e-seeded-<key>,
//   named by everything that decides its content: seedKey below), ~0.1 s;
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
import { createHash } from "node:crypto";
import { cpSync, existsSync, fstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SHORT_LIVED_NODE_FLAGS } from "../helpers/node-flags.mjs";
import { copyPgliteTemplate, migrationsHash } from "../helpers/pglite-template.mjs";
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

/**
 * Names the kept seeded folder by what decides its content: the schema (migrations), the accounts
 * (users.json, and the spec files with e2e-users.ts, which pick the roles each file gets), and the code
 * that writes them (seed-users.ts, lib/accounts). A change to any of them makes a new one.
 */
function seedKey() {
  const hash = createHash("sha256").update(migrationsHash());
  const e2e = import.meta.dirname;
  const accounts = path.resolve(e2e, "..", "..", "lib", "accounts");
  const files = [
    ...readdirSync(e2e).filter((f) => f.endsWith(".spec.ts") || ["users.json", "e2e-users.ts", "seed-users.ts"].includes(f)).sort().map((f) => path.join(e2e, f)),
    ...readdirSync(accounts).sort().map((f) => path.join(accounts, f)),
  ];
  for (const file of files) hash.update(path.basename(file)).update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

const seededDir = path.join(os.tmpdir(), `ncmcp-e2e-seeded-${seedKey()}`);
if (existsSync(path.join(seededDir, "pglite"))) {
  cpSync(path.join(seededDir, "pglite"), path.join(dataDir, "pglite"), { recursive: true });
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
  // Kept for the next run: the closed database folder (the folder lock lies beside it, not in it).
  const work = mkdtempSync(path.join(os.tmpdir(), "ncmcp-e2e-seeding-"));
  cpSync(path.join(dataDir, "pglite"), path.join(work, "pglite"), { recursive: true });
  try {
    renameSync(work, seededDir); // atomic: a concurrent run either wins or finds it done
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
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
