#!/usr/bin/env node
// `npm run dev`  → next dev (embedded defaults: PGlite under .data/, no env file needed)
// `npm start`    → next build, then next start (production mode)
// Next.js itself reads PORT (default 3000). When NEXTCLOUD_URL is unset, the
// Nextcloud sandbox (test and demo data, clearly labelled) runs alongside on
// SANDBOX_PORT (default 3100) and the app uses it as its Nextcloud.
import { spawn } from "node:child_process";

const mode = process.argv[2] === "prod" ? "prod" : "dev";
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const children = new Set();

function start(command, args, extraEnv = {}) {
  const child = spawn(command, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

function run(command, args, extraEnv) {
  return new Promise((resolve) => {
    const child = start(command, args, extraEnv);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function stopAll(signal = "SIGTERM") {
  for (const child of children) child.kill(signal);
}
process.on("SIGINT", () => stopAll("SIGINT"));
process.on("SIGTERM", () => stopAll("SIGTERM"));

// The configuration is checked first (a second), not after a 20 s build: the server would refuse it anyway.
const checked = await run(process.execPath, ["--import", "tsx", "scripts/config-check.ts"], mode === "prod" ? { NODE_ENV: "production" } : {});
if (checked !== 0) process.exit(checked);

if (mode === "prod") {
  const built = await run("node_modules/.bin/next", ["build"]);
  if (built !== 0) process.exit(built);
}

if (!env.NEXTCLOUD_URL) {
  const sandbox = start(process.execPath, ["--import", "tsx", "scripts/sandbox.ts"]);
  sandbox.on("exit", (code) => {
    if (code) console.error(`[nextcloud-mcp] the Nextcloud sandbox stopped (exit ${code}); tools that use Nextcloud will fail until it runs again`);
  });
}

const code = await run("node_modules/.bin/next", [mode === "prod" ? "start" : "dev"]);
stopAll();
process.exit(code);
