#!/usr/bin/env node
// `npm run dev`  → next dev (embedded defaults: PGlite under .data/, no env file needed)
// `npm start`    → next build, then next start (production mode)
// Next.js itself reads PORT (default 3000).
import { spawn } from "node:child_process";

const mode = process.argv[2] === "prod" ? "prod" : "dev";
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function run(args) {
  return new Promise((resolve) => {
    const child = spawn("node_modules/.bin/next", args, { stdio: "inherit", env });
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

if (mode === "prod") {
  const built = await run(["build"]);
  if (built !== 0) process.exit(built);
  process.exit(await run(["start"]));
} else {
  process.exit(await run(["dev"]));
}
