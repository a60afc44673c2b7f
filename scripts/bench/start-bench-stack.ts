/**
 * The stacks the benchmark measures, on the production build (`next start`,
 * NEXT_DIST_DIR honoured), on 127.0.0.1:
 *  - `startFullStack(kind)`: the app with the built-in IdP (embedded defaults)
 *    on PGlite or PostgreSQL, the Nextcloud sandbox in its own process (so the
 *    load generator and the sandbox do not share an event loop), and Alice
 *    signed in through the MCP SDK's real OAuth flow, provisioned for notes,
 *    with one note; the result holds her MCP access token (notes.read).
 *  - `startAuthDisabledApp()`: the test instance (NODE_ENV=test,
 *    MCP_INSECURE_DISABLE_AUTH=true) on its own PGlite database.
 * Access tokens live ACCESS_TOKEN_TTL=3600 s here so one token outlasts the run
 * (the default, 600 s, is shorter than a full run); nothing else is changed.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { startApp, type AppServer } from "../../tests/helpers/app-server";
import { createTestDatabase, type TestDatabase, type TestDbKind } from "../../tests/helpers/databases";
import { idpEnv, SERVER_CLIENT_SECRET, seedAccounts, startAppOnPort } from "../../tests/helpers/idp-app";
import { freePort } from "../../tests/helpers/ports";
import { ALICE, openProvisioningLink, PersonClient, textOf, type ProvisioningStack } from "../../tests/helpers/provisioning-stack";
import type { LoadTarget } from "./run-load";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

// Servers still running: stopped (process groups, databases) if the benchmark is interrupted.
const running = new Set<() => Promise<void>>();
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the servers …\n`);
    void Promise.allSettled([...running].map((stop) => stop())).then(() => process.exit(130));
  });
}
function track(stop: () => Promise<void>): () => Promise<void> {
  running.add(stop);
  return async () => {
    running.delete(stop);
    await stop();
  };
}

export interface FullStack {
  kind: TestDbKind;
  app: AppServer;
  sandboxUrl: string;
  /** Alice's MCP access token (Flow 1), with notes.read. */
  mcpToken: string;
  noteId: number;
  stop(): Promise<void>;
}

async function freshDatabase(kind: TestDbKind): Promise<TestDatabase> {
  // The test suite's schema template when present, else an empty database the app migrates at open.
  return createTestDatabase(kind).catch(() => createTestDatabase(kind, { empty: true }));
}

/** The sandbox as its own process (`npm run sandbox`), stopped by process group. */
async function startSandboxProcess(issuer: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  // --seed "": no demo data, so the numbers stay comparable with earlier runs (empty accounts).
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/sandbox.ts", "--port", String(port), "--issuer", issuer, "--audience", "nextcloud", "--seed", ""], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NODE_ENV: "test", APP_URL: new URL(issuer).origin },
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes("Nextcloud SANDBOX")) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`the sandbox exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return;
      }
      await exited;
    },
  };
}

export async function startFullStack(kind: TestDbKind, env: Record<string, string> = {}): Promise<FullStack> {
  const database = await freshDatabase(kind);
  await seedAccounts(database, [ALICE]);
  const port = await freePort();
  const sandbox = await startSandboxProcess(`http://127.0.0.1:${port}/api/oidc`);
  let app: AppServer;
  try {
    app = await startAppOnPort(idpEnv(database, { SANDBOX_PORT: new URL(sandbox.url).port, ACCESS_TOKEN_TTL: "3600", ...env }), port);
  } catch (error) {
    await sandbox.stop();
    await database.drop();
    throw error;
  }
  const stop = track(async () => {
    await app.stop();
    await sandbox.stop();
    await database.drop();
  });
  try {
    // PersonClient needs only the app's URL from a provisioning stack.
    const alice = await new PersonClient({ app } as ProvisioningStack, ALICE).connect();
    const asked = await alice.call("provision_nextcloud_access", { scopes: ["notes.read", "notes.write"] });
    const link = (asked.structuredContent as { provisioning_url?: string } | undefined)?.provisioning_url;
    if (!link || (await openProvisioningLink(link, ALICE)).outcome !== "provisioned") throw new Error(`provisioning failed: ${textOf(asked)}`);
    const created = await alice.call("nc_notes_create", { title: "Bench", content: "benchmark note\n".repeat(20) });
    if (created.isError) throw new Error(`nc_notes_create failed: ${textOf(created)}`);
    const noteId = (created.structuredContent as { id: number }).id;
    const read = await alice.call("nc_notes_get", { id: noteId });
    if (read.isError) throw new Error(`nc_notes_get failed: ${textOf(read)}`);
    const mcpToken = alice.provider.tokens()!.access_token;
    await alice.close();
    return { kind, app, sandboxUrl: sandbox.url, mcpToken, noteId, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The auth-disabled test instance; its stop() also drops its database. */
export async function startAuthDisabledApp(env: Record<string, string> = {}): Promise<AppServer> {
  const database = await freshDatabase("pglite");
  const app = await startApp({ ...database.env, NODE_ENV: "test", MCP_INSECURE_DISABLE_AUTH: "true", ...env });
  const stopAndDrop = track(async () => {
    await app.stop();
    await database.drop();
  });
  return { ...app, stop: stopAndDrop };
}

/** RFC 8693 exchange at the built-in IdP's token endpoint, as this server's confidential client would send it over HTTP. */
export function exchangeTarget(appUrl: string, subjectToken: string, scope: string): LoadTarget {
  return {
    url: `${appUrl}/api/oidc/token`,
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`mcp-server:${SERVER_CLIENT_SECRET}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: subjectToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
      audience: "nextcloud",
      scope,
    }).toString(),
    verifyBody: (body) => body.includes('"access_token"'),
  };
}
