#!/usr/bin/env node
// Starts the production build for the browser tests on a fresh embedded
// database in a temporary folder (removed on exit). Before the app starts,
// the real CLI creates the test accounts (PGlite admits one process at a time).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const E2E_USERS = JSON.parse(readFileSync(new URL("./users.json", import.meta.url), "utf8"));

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
};

for (const user of E2E_USERS) {
  const args = ["--import", "tsx", "scripts/user-cli.ts", "add", "--username", user.username, "--password", user.password, "--display-name", user.displayName];
  if (user.admin) args.push("--admin");
  const result = spawnSync(process.execPath, args, { env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", port], { stdio: "inherit", env });
const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => {
  cleanup();
  process.exit(code ?? 0);
});
