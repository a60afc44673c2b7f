#!/usr/bin/env node
// Starts the production build for the browser tests on a fresh embedded
// database in a temporary folder (removed on exit).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const port = process.argv[2] ?? "3210";
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ncmcp-e2e-"));
const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", port], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", APP_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir,
    // Production mode requires an encryption key; this one exists only for the browser tests.
    TOKEN_ENCRYPTION_KEYS: "e2e1:ZTJlLWtleS1lMmUta2V5LWUyZS1rZXktZTJlLTMyYnk=" },
});
const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => {
  cleanup();
  process.exit(code ?? 0);
});
