/**
 * Nothing of the built-in IdP lives in process memory: a restart in the
 * middle of a flow loses nothing, keys are generated once and reused, two
 * processes on one PostgreSQL database serve one flow, and signing keys
 * rotate with old tokens still verifying.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ENCRYPTION_KEYS, type AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { ALICE, authorizationRequest, idpEnv, register, relyingParty, seedAccounts, startAppOnPort } from "../helpers/idp-app";
import { authorizeWithLogin, resumeAuthorization } from "../helpers/oidc-login";
import { freePort } from "../helpers/ports";
import { runScript } from "../helpers/run-cli";

const kind = testDbKind();
const REDIRECT = "http://127.0.0.1:6543/cb";
async function rotateCli(database: TestDatabase, args: string[] = []): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await runScript("keys-rotate-signing.ts", args, { NODE_ENV: "production", TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, ...database.env });
  return { code: code ?? 1, output: `${stdout}${stderr}` };
}

async function jwks(app: AppServer) {
  return (await (await fetch(`${app.url}/api/oidc/jwks`)).json()) as { keys: { kid: string; kty: string }[] };
}

describe(`built-in IdP persistence on ${kind}`, () => {
  let database: TestDatabase;
  let app: AppServer;
  let port: number;
  let clientId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE]);
    port = await freePort();
    app = await startAppOnPort(idpEnv(database), port);
    clientId = (await register(app, { client_name: "Restart Client", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" })).body.client_id as string;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  async function restart() {
    await app.stop();
    app = await startAppOnPort(idpEnv(database), port);
  }

  it("finishes a flow across restarts: after consent, and again before the token request", async () => {
    const rp = await relyingParty(app, clientId);
    const request = await authorizationRequest(rp, { redirect_uri: REDIRECT, scope: "openid offline_access notes.read", resource: `${app.url}/api/mcp` });
    const half = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password, stopBeforeResume: true });
    expect(half.steps).toEqual(["login", "consent"]);
    const kidsBefore = (await jwks(app)).keys.map((k) => k.kid);
    await restart();
    const done = await resumeAuthorization(half.redirectUrl, half.jar, ALICE);
    expect(done.code).toBeTruthy();
    await restart();
    const tokens = await oidc.authorizationCodeGrant(await relyingParty(app, clientId), new URL(done.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.access_token).toBeTruthy();
    await restart();
    // Keys were generated once: same JWKS, and the token issued before still verifies.
    const set = await jwks(app);
    expect(set.keys.map((k) => k.kid)).toEqual(kidsBefore);
    await jwtVerify(tokens.access_token, createLocalJWKSet(set as never), { issuer: `${app.url}/api/oidc` });
    const refreshed = await oidc.refreshTokenGrant(await relyingParty(app, clientId), tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
  });

  it.runIf(kind === "pglite")("keys:rotate-signing refuses while the app holds the embedded database", async () => {
    const { code, output } = await rotateCli(database);
    expect(code).not.toBe(0);
    expect(output).toContain("The embedded database is in use by another process");
    expect(output).toContain("Stop the app");
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it("rotates signing keys (--immediate): the new key signs, old tokens keep verifying until the old key is retired", async () => {
    const rp = await relyingParty(app, clientId);
    const request = await authorizationRequest(rp, { redirect_uri: REDIRECT, scope: "notes.read", resource: `${app.url}/api/mcp` });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password });
    const old = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    const oldKid = decodeProtectedHeader(old.access_token).kid!;

    await app.stop();
    // Immediate: the new key signs at once (the staged default is tested in keys-rotate-signing-nextcloud.test.ts).
    const rotated = await rotateCli(database, ["--immediate"]);
    expect(rotated.output).toContain("New signing keys");
    expect(rotated.code).toBe(0);
    app = await startAppOnPort(idpEnv(database), port);
    const set = await jwks(app);
    expect(set.keys.map((k) => k.kid)).toContain(oldKid);
    await jwtVerify(old.access_token, createLocalJWKSet(set as never), { issuer: `${app.url}/api/oidc` });

    const rp2 = await relyingParty(app, clientId);
    const again = await authorizationRequest(rp2, { redirect_uri: REDIRECT, scope: "notes.read", resource: `${app.url}/api/mcp` });
    const next = await authorizeWithLogin({ authorizationUrl: again.url, username: ALICE.username, password: ALICE.password });
    const fresh = await oidc.authorizationCodeGrant(rp2, new URL(next.redirectUrl), { pkceCodeVerifier: again.verifier, expectedState: again.state });
    const newKid = decodeProtectedHeader(fresh.access_token).kid!;
    expect(newKid).not.toBe(oldKid);

    await app.stop();
    const refused = await rotateCli(database, ["--retire", newKid]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("currently signing");
    const retired = await rotateCli(database, ["--retire", oldKid]);
    expect(retired.code).toBe(0);
    app = await startAppOnPort(idpEnv(database), port);
    const after = await jwks(app);
    expect(after.keys.map((k) => k.kid)).not.toContain(oldKid);
    await expect(jwtVerify(old.access_token, createLocalJWKSet(after as never))).rejects.toThrow();
    await jwtVerify(fresh.access_token, createLocalJWKSet(after as never), { issuer: `${app.url}/api/oidc` });
  });
});

describe.runIf(kind === "postgres")("two app processes on one PostgreSQL database", () => {
  let database: TestDatabase;
  const apps: AppServer[] = [];
  afterAll(async () => {
    for (const a of apps) await a.stop();
    await database?.drop();
  });

  it("serve one flow: authorize at one, redeem and refresh at the other", async () => {
    database = await createTestDatabase("postgres");
    await seedAccounts(database, [ALICE]);
    // Same public URL for both (as behind a load balancer): APP_URL is the first one's.
    const portA = await freePort();
    const shared = idpEnv(database, { APP_URL: `http://127.0.0.1:${portA}` });
    apps.push(await startAppOnPort(shared, portA));
    apps.push(await startAppOnPort(shared, await freePort()));
    const [a, b] = apps as [AppServer, AppServer];
    expect((await jwks(b)).keys.map((k) => k.kid)).toEqual((await jwks(a)).keys.map((k) => k.kid));
    const clientId = (await register(a, { client_name: "Two", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" })).body.client_id as string;
    const rpA = await relyingParty(a, clientId);
    const request = await authorizationRequest(rpA, { redirect_uri: REDIRECT, scope: "openid offline_access notes.read", resource: shared.APP_URL + "/api/mcp" });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password });
    const tokenAtB = await fetch(`${b.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", client_id: clientId, code: result.code!, code_verifier: request.verifier, redirect_uri: REDIRECT }),
    });
    expect(tokenAtB.status).toBe(200);
    const tokens = (await tokenAtB.json()) as { refresh_token: string };
    const refreshed = await oidc.refreshTokenGrant(rpA, tokens.refresh_token);
    expect(refreshed.access_token).toBeTruthy();
  });
});
