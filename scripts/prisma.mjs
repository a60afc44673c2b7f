#!/usr/bin/env node
// Runs the Prisma CLI offline: Prisma must never try to download an engine
// (stack-notes). Usage: node scripts/prisma.mjs <prisma args…>
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const env = {
  ...process.env,
  PRISMA_QUERY_ENGINE_LIBRARY: "/bin/false",
  PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
  // The schema's datasource needs a value; the CLI never connects with it.
  DATABASE_URL: process.env.DATABASE_URL || "postgresql://unused@127.0.0.1:5432/unused",
};
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(result.status ?? 1);
