#!/usr/bin/env node
// `node scripts/build-standalone.mjs [OUT]` (default .standalone): the production build as the
// container runs it. Builds with Next.js's standalone output (NEXT_OUTPUT=standalone; NEXT_DIST_DIR
// honoured) and assembles OUT: server.js with the traced node_modules (no dev dependencies), the
// static assets, and prisma/migrations (applied at start-up, read from the working directory).
// The Dockerfile runs this; tests/deploy/container.test.ts runs it too and then starts OUT exactly
// as the image's CMD does.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, rmSync } from "node:fs";
import path from "node:path";

const out = path.resolve(process.argv[2] ?? ".standalone");
const dist = process.env.NEXT_DIST_DIR || ".next";
const built = spawnSync("node_modules/.bin/next", ["build"], { stdio: "inherit", env: { ...process.env, NEXT_OUTPUT: "standalone", NEXT_TELEMETRY_DISABLED: "1" } });
if (built.status !== 0) process.exit(built.status ?? 1);

rmSync(out, { recursive: true, force: true });
cpSync(path.join(dist, "standalone"), out, { recursive: true });
// The standalone server does not copy these (Next.js docs, "output: standalone"): the CDN-able assets…
cpSync(path.join(dist, "static"), path.join(out, dist, "static"), { recursive: true });
if (existsSync("public")) cpSync("public", path.join(out, "public"), { recursive: true });
// …and what the app reads from its working directory at run time.
cpSync(path.join("prisma", "migrations"), path.join(out, "prisma", "migrations"), { recursive: true });
console.log(`standalone server assembled in ${out}: start it with \`node server.js\` there`);
