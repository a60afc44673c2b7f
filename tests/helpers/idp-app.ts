/**
 * The real app with the built-in IdP for integration tests: accounts seeded
 * in the test process (before the app opens the database: PGlite admits one
 * process), then `next start` on 127.0.0.1; plus openid-client set up as a
 * relying party of it.
 */
import * as oidc from "openid-client";
import { descendantsOf, spawnApp, startApp, stopProcesses, TEST_ENCRYPTION_KEYS, type AppServer } from "./app-server";
import type { TestDatabase } from "./databases";

export const ALICE = { username: "alice", password: "alice-password-123", displayName: "Alice Example" };
export const BOB = { username: "bob", password: "bob-password-456", displayName: "Bob Example" };
export const SERVER_CLIENT_SECRET = "test-server-client-secret-0123456789";

const CACHE_KEYS = ["nextcloud-mcp.config", "nextcloud-mcp.key-ring", "nextcloud-mcp.db"].map((k) => Symbol.for(k));

/** Creates accounts directly in the database (the app must not be running on PGlite). */
export async function seedAccounts(database: TestDatabase, accounts: { username: string; password: string; displayName: string }[]): Promise<Record<string, string>> {
  Object.assign(process.env, { NODE_ENV: "test", TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, DATABASE_URL: "", DATA_DIR: "" }, database.env);
  for (const key of CACHE_KEYS) delete (globalThis as Record<symbol, unknown>)[key];
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

/**
 * RFC 8693 token exchange at the app's IdP as this server does it (client
 * mcp-server, Basic auth): the session token for a Nextcloud token with `scope`.
 */
export async function exchangeForNextcloud(appUrl: string, subjectToken: string, scope: string): Promise<Response> {
  return fetch(`${appUrl}/api/oidc/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`mcp-server:${SERVER_CLIENT_SECRET}`).toString("base64")}` },
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: subjectToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
      audience: "nextcloud",
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
