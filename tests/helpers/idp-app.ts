/**
 * The real app with the built-in IdP for integration tests: accounts seeded
 * in the test process (before the app opens the database: PGlite admits one
 * process), then `next start` on 127.0.0.1; plus openid-client set up as a
 * relying party of it.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as oidc from "openid-client";
import pg from "pg";
import { descendantsOf, spawnApp, startApp, stopProcesses, TEST_ENCRYPTION_KEYS, type AppServer } from "./app-server";
import { POSTGRES_ADMIN_URL, type TestDatabase } from "./databases";
import { copyPgliteFolder, keepPgliteFolder, seededKey } from "./pglite-template.mjs";

export const ALICE = { username: "alice", password: "alice-password-123", displayName: "Alice Example" };
export const BOB = { username: "bob", password: "bob-password-456", displayName: "Bob Example" };
export const SERVER_CLIENT_SECRET = "test-server-client-secret-0123456789";

const CACHE_KEYS = ["nextcloud-mcp.config", "nextcloud-mcp.key-ring", "nextcloud-mcp.db"].map((k) => Symbol.for(k));

type SeedAccount = { username: string; password: string; displayName: string };

/**
 * Points this test process's own configuration and database at `database`
 * (tests reach it in-process between app runs, e.g. to disable a client), and
 * forgets the previous database's singletons.
 */
function useDatabaseInProcess(database: TestDatabase): void {
  Object.assign(process.env, { NODE_ENV: "test", TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, DATABASE_URL: "", DATA_DIR: "" }, database.env);
  for (const key of CACHE_KEYS) delete (globalThis as Record<symbol, unknown>)[key];
}

/** Creates accounts directly in the database through lib/accounts (the app must not be running on PGlite). */
async function createAccountsInProcess(database: TestDatabase, accounts: SeedAccount[]): Promise<Record<string, string>> {
  useDatabaseInProcess(database);
  const { createAccount } = await import("@/lib/accounts");
  const { closeDatabase } = await import("@/lib/db");
  const ids: Record<string, string> = {};
  try {
    for (const a of accounts) ids[a.username] = (await createAccount(a)).id;
  } finally {
    await closeDatabase();
  }
  return ids;
}

/** Names the seeded template: the schema, the accounts and the code that writes them (seededKey). */
const seedKey = (accounts: SeedAccount[]): string => seededKey([JSON.stringify(accounts)]);

/** PGlite: the seeded data folder, kept once as a template folder (with the ids beside it). */
async function seedPglite(database: TestDatabase, accounts: SeedAccount[], key: string): Promise<Record<string, string>> {
  const template = path.join(os.tmpdir(), `ncmcp-pglite-seeded-${key}`);
  if (existsSync(path.join(template, "ids.json"))) {
    rmSync(path.join(database.location, "pglite"), { recursive: true, force: true });
    copyPgliteFolder(template, database.location);
    return JSON.parse(readFileSync(path.join(template, "ids.json"), "utf8")) as Record<string, string>;
  }
  const ids = await createAccountsInProcess(database, accounts);
  keepPgliteFolder(database.location, template, { "ids.json": JSON.stringify(ids) });
  return ids;
}

/** PostgreSQL: the seeded database kept as a template database; a fresh one is re-created from it. */
async function seedPostgres(database: TestDatabase, accounts: SeedAccount[], key: string): Promise<Record<string, string>> {
  const template = `ncmcp_seed_${key}`;
  const name = decodeURIComponent(new URL(database.location).pathname.slice(1));
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    if ((await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template])).rowCount) {
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      const seeded = new pg.Client({ connectionString: database.location });
      await seeded.connect();
      try {
        const { rows } = await seeded.query<{ id: string; username: string }>("SELECT id, username FROM users WHERE username = ANY($1)", [accounts.map((a) => a.username.toLowerCase())]);
        return Object.fromEntries(rows.map((r) => [accounts.find((a) => a.username.toLowerCase() === r.username)!.username, r.id]));
      } finally {
        await seeded.end();
      }
    }
    const ids = await createAccountsInProcess(database, accounts);
    // The pool's last connection may take a moment to leave; a template must have none.
    for (let attempt = 1; attempt <= 20; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${template}" TEMPLATE "${name}"`);
        break;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "42P04" || code === "23505") break; // a concurrent seeder made it first
        if (code !== "55006" || attempt === 20) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return ids;
  } finally {
    await admin.end();
  }
}

/**
 * Creates accounts in a fresh database (from createTestDatabase; the app must
 * not be running on it). Creating them opens the database in the test process
 * and hashes each password (scrypt): seconds per test file. So the first
 * seeding of a set of accounts is kept as a template (a data folder for
 * PGlite, a template database for PostgreSQL) and later ones copy it.
 */
export async function seedAccounts(database: TestDatabase, accounts: SeedAccount[]): Promise<Record<string, string>> {
  const key = seedKey(accounts);
  // Also when the seeding is copied from a template: callers rely on the process pointing at this database.
  useDatabaseInProcess(database);
  return database.kind === "postgres" ? seedPostgres(database, accounts, key) : seedPglite(database, accounts, key);
}

/**
 * RFC 8693 token exchange at the app's IdP as this server does it (client
 * mcp-server, Basic auth): the session token for a Nextcloud token with `scope`.
 */
export async function exchangeForNextcloud(
  appUrl: string,
  subjectToken: string,
  scope: string,
  { clientSecret = SERVER_CLIENT_SECRET, audience = "nextcloud" }: { clientSecret?: string; audience?: string } = {},
): Promise<Response> {
  return fetch(`${appUrl}/api/oidc/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`mcp-server:${clientSecret}`).toString("base64")}` },
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: subjectToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
      audience,
      scope,
    }),
  });
}

export function idpEnv(database: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return { ...database.env, OIDC_CLIENT_SECRET: SERVER_CLIENT_SECRET, ...extra };
}

/** Starts the app on a given port (restarts keep APP_URL, cookies and redirect URIs valid). */
export async function startAppOnPort(env: Record<string, string>, port: number): Promise<AppServer> {
  const { child, output, exited } = spawnApp(env, port);
  const url = `http://127.0.0.1:${port}`;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const stop = async () => {
    if (exitCode !== undefined) return;
    await stopProcesses([child.pid!, ...descendantsOf(child.pid!)], exited);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`The app exited with code ${exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) return { url, port, process: child, output, stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await stop();
  throw new Error(`The app did not start:\n${output()}`);
}

export { startApp };

/** openid-client configuration for a client of the app's IdP (http is fine on loopback in tests). */
export async function relyingParty(app: AppServer, clientId: string, auth: oidc.ClientAuth = oidc.None(), metadata?: Partial<oidc.ClientMetadata>): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(`${app.url}/api/oidc`), clientId, metadata, auth, { execute: [oidc.allowInsecureRequests] });
}

export interface PkceRequest {
  url: URL;
  verifier: string;
  state: string;
}

export async function authorizationRequest(config: oidc.Configuration, params: Record<string, string>): Promise<PkceRequest> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    ...params,
  });
  return { url, verifier, state };
}

/** Registers a public client by RFC 7591 (raw HTTP, so tests see the exact answer). */
export async function register(app: AppServer, metadata: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${app.url}/api/oidc/reg`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(metadata) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
