#!/usr/bin/env node
// `npm run vercel:build`: what Vercel runs for a deployment, offline: `vercel build` (CLI pinned to
// 58.10.0; newer ones do not install on these machines) producing .vercel/output, with exactly the
// environment the README's Deploy button asks for (placeholder values: nothing is contacted at build
// time). An unlinked checkout gets local project settings (.vercel/project.json, git-ignored).
// tests/deploy/vercel-build.test.ts runs it and checks the output.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

if (!existsSync(".vercel/project.json")) {
  mkdirSync(".vercel", { recursive: true });
  // What `vercel link` would write; the settings mirror vercel.json (framework, install, build).
  writeFileSync(
    ".vercel/project.json",
    JSON.stringify({ projectId: "local-build", orgId: "local-build", settings: { framework: "nextjs", installCommand: "echo node_modules is already installed", buildCommand: "next build", outputDirectory: null, rootDirectory: null, nodeVersion: "22.x" } }, null, 2),
  );
}

// vercel.json as Vercel reads it, except the install step: node_modules is already here (and an
// `npm ci` would replace it). The install command only says so.
const config = JSON.parse(readFileSync("vercel.json", "utf8"));
writeFileSync(".vercel/local-build.json", JSON.stringify({ ...config, installCommand: "echo node_modules is already installed" }, null, 2));

// The Deploy button's variables (README), with placeholders.
const buttonEnv = {
  APP_URL: "https://nextcloud-mcp.example.vercel.app",
  NEXTCLOUD_URL: "https://cloud.example.com",
  TOKEN_ENCRYPTION_KEYS: "k1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=",
  DATABASE_URL: "postgres://placeholder@127.0.0.1:9/placeholder",
};
const result = spawnSync("node_modules/.bin/vercel", ["build", "--yes", "--prod", "--local-config", ".vercel/local-build.json"], {
  stdio: "inherit",
  env: { ...process.env, ...buttonEnv, NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: process.env.VERCEL_NEXT_DIST_DIR ?? ".next-vercel" },
});
process.exit(result.status ?? 1);
