/**
 * The container without a container engine: the standalone build assembled
 * by scripts/build-standalone.mjs (what the Dockerfile's build stage runs),
 * started with the runtime stage's ENV and CMD (`node server.js`) against
 * PostgreSQL and the Nextcloud sandbox; the HEALTHCHECK command passes, and
 * a person signs in with an MCP client, provisions Nextcloud and calls a
 * tool. The image holds no dev dependency.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { descendantsOf, stopProcesses, TEST_ENCRYPTION_KEYS, type AppServer } from "../helpers/app-server";
import { createTestDatabase, tempDir, type TestDatabase } from "../helpers/databases";
import { seedAccounts, SERVER_CLIENT_SECRET } from "../helpers/idp-app";
import { freePort } from "../helpers/ports";
import { ALICE, linkIn, openProvisioningLink, PersonClient, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";
import { readImageRuntime } from "./dockerfile-runtime";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const OUT = path.join(tempDir("standalone"), "app");
const runtime = readImageRuntime(ROOT);

let database: TestDatabase;
let sandbox: Sandbox;
let app: AppServer;
let imageEnv: Record<string, string>;

beforeAll(async () => {
  const built = spawnSync(process.execPath, ["scripts/build-standalone.mjs", OUT], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_DIST_DIR: process.env.DEPLOY_DIST_DIR ?? ".next-standalone" },
  });
  expect(built.status).toBe(0);

  database = await createTestDatabase("postgres");
  await seedAccounts(database, [ALICE]);
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  sandbox = await startSandbox({ issuer: `${appUrl}/api/oidc`, audience: "nextcloud" });
  // The image's ENV, then what an operator's env file gives it (compose.yaml's env_file).
  imageEnv = {
    PATH: process.env.PATH ?? "",
    ...runtime.env,
    PORT: String(port),
    DATA_DIR: tempDir("container-data"),
    APP_URL: appUrl,
    DATABASE_URL: database.env.DATABASE_URL!,
    NEXTCLOUD_URL: sandbox.url,
    TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    OIDC_CLIENT_SECRET: SERVER_CLIENT_SECRET,
    DOCTOR_ON_START: "false",
  };
  const [command, ...args] = runtime.cmd;
  expect(command).toBe("node");
  const child = spawn(process.execPath, args, { cwd: OUT, env: imageEnv as NodeJS.ProcessEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  app = { url: appUrl, port, process: child, output: () => output, stop: () => stopProcesses([child.pid!, ...descendantsOf(child.pid!)], exited) };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${appUrl}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`the standalone server exited:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the standalone server did not answer:\n${output}`);
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await sandbox?.close();
  await database?.drop();
});

describe("the container's standalone server", { timeout: 240_000 }, () => {
  it("holds no dev dependency and runs as a non-root user", () => {
    expect(runtime.user).not.toBe("root");
    for (const dev of ["vitest", "typescript", "@playwright/test", "tsx", "prisma", "autocannon"]) {
      expect(existsSync(path.join(OUT, "node_modules", dev)), dev).toBe(false);
    }
    expect(existsSync(path.join(OUT, "server.js"))).toBe(true);
    expect(existsSync(path.join(OUT, "prisma", "migrations"))).toBe(true);
  });

  it("passes the image's HEALTHCHECK command", () => {
    const [command, ...args] = runtime.healthcheck;
    expect(command).toBe("node");
    const result = spawnSync(process.execPath, args, { env: imageEnv as NodeJS.ProcessEnv, timeout: 20_000 });
    expect(result.status).toBe(0);
  });

  it("serves sign-in, provisioning and a tool call end to end", async () => {
    const stack = { app, database, sandbox, ids: {}, stop: async () => {} } as unknown as ProvisioningStack;
    const alice = await new PersonClient(stack, ALICE).connect();
    try {
      const first = await alice.call("nc_get_user_info");
      const link = linkIn(textOf(first));
      expect(link).toBeTruthy();
      expect((await openProvisioningLink(link!, ALICE)).outcome).toBe("provisioned");
      const result = await alice.call("nc_get_user_info");
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: "alice" }); // the sandbox answered for Alice (uid from preferred_username in the exchanged token)
    } finally {
      await alice.close();
    }
  });
});
