#!/usr/bin/env node
// Runs a node_modules binary with telemetry off: node scripts/run.mjs next build
import { spawn } from "node:child_process";

const [bin, ...args] = process.argv.slice(2);
const child = spawn(`node_modules/.bin/${bin}`, args, {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
