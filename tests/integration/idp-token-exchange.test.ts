/**
 * RFC 8693 token exchange at the built-in IdP: only this server's client may
 * trade a user's MCP token for a short-lived Nextcloud token, within what the
 * user provisioned. The app runs with OIDC_SIGNING_KEYS from the test, so the
 * test can also forge subject tokens the IdP must refuse (expired, short-lived).
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from "jose";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { ALICE, authorizationRequest, BOB, idpEnv, register, relyingParty, seedAccounts, SERVER_CLIENT_SECRET, startApp } from "../helpers/idp-app";
import { authorizeWithLogin } from "../helpers/oidc-login";

const kind = testDbKind();
const TE = "urn:ietf:params:oauth:grant-type:token-exchange";
const AT = "urn:ietf:params:oauth:token-type:access_token";
const NC_RESOURCE = "urn:nextcloud-mcp:resource:nextcloud";
const REDIRECT = "http://127.0.0.1:7777/cb";
const CAROL = { username: "carol", password: "carol-password-789", displayName: "Carol Example", email: "carol@example.com" };

describe(`token exchange on ${kind}`, () => {
  let database: TestDatabase;
  let app: AppServer;
  let signing: { ec: CryptoKey; jwks: { keys: JWK[] } };
  let mcpClient: string;
  let aliceToken: string;
  let bobToken: string;
  let flow2RefreshToken: string;
  let serverRp: oidc.Configuration;

  async function mcpToken(user: typeof ALICE, scope: string): Promise<string> {
    const rp = await relyingParty(app, mcpClient);
    const request = await authorizationRequest(rp, { redirect_uri: REDIRECT, scope, resource: `${app.url}/api/mcp` });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: user.username, password: user.password });
    return (await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state })).access_token;
  }

  function exchange(params: Record<string, string>, auth: string | null = `Basic ${Buffer.from(`mcp-server:${SERVER_CLIENT_SECRET}`).toString("base64")}`) {
    return fetch(`${app.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(auth ? { authorization: auth } : {}) },
      body: new URLSearchParams({ grant_type: TE, subject_token_type: AT, audience: "nextcloud", ...params }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));
  }

  beforeAll(async () => {
    const ec = await generateKeyPair("ES256", { extractable: true });
    const rsa = await generateKeyPair("RS256", { extractable: true });
    const keys = [
      { ...(await exportJWK(ec.privateKey)), kid: "test-ec", alg: "ES256", use: "sig" },
      { ...(await exportJWK(rsa.privateKey)), kid: "test-rsa", alg: "RS256", use: "sig" },
    ];
    signing = { ec: ec.privateKey, jwks: { keys } };
    database = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE, BOB, CAROL]);
    app = await startApp(idpEnv(database, { OIDC_SIGNING_KEYS: JSON.stringify({ keys }) }));
    mcpClient = (await register(app, { client_name: "MCP Client", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" })).body.client_id as string;
    aliceToken = await mcpToken(ALICE, "openid notes.read notes.write files.read");
    bobToken = await mcpToken(BOB, "openid notes.read");

    // Flow 2: Alice provisions notes.read and files.read for this server's own client.
    serverRp = await relyingParty(app, "mcp-server", oidc.ClientSecretBasic(SERVER_CLIENT_SECRET));
    const request = await authorizationRequest(serverRp, { redirect_uri: `${app.url}/oauth/callback-nextcloud`, scope: "openid offline_access notes.read files.read", resource: NC_RESOURCE, prompt: "consent" });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password });
    expect(result.code).toBeTruthy();
    const tokens = await oidc.authorizationCodeGrant(serverRp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state }, { resource: NC_RESOURCE });
    expect(decodeJwt(tokens.access_token).aud).toBe("nextcloud");
    flow2RefreshToken = tokens.refresh_token!;
    expect(flow2RefreshToken).toBeTruthy();
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it("issues a down-scoped, short-lived Nextcloud token naming this server as actor", async () => {
    const { status, body } = await exchange({ subject_token: aliceToken, scope: "notes.read" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ issued_token_type: AT, token_type: "Bearer", scope: "notes.read" });
    expect(body.refresh_token).toBeUndefined();
    expect(body.expires_in).toBeLessThanOrEqual(300);
    const token = body.access_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: "at+jwt", alg: "RS256" });
    const jwks = await (await fetch(`${app.url}/api/oidc/jwks`)).json();
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: `${app.url}/api/oidc`, audience: "nextcloud", typ: "at+jwt" });
    const subject = decodeJwt(aliceToken);
    expect(payload.sub).toBe(subject.sub);
    expect(payload.scope).toBe("notes.read");
    expect(payload.act).toEqual({ sub: "mcp-server" });
    expect(payload.client_id).toBe("mcp-server");
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
    expect(payload.exp!).toBeLessThanOrEqual(subject.exp!);
  });

  it("accepts the target as a resource indicator too", async () => {
    const res = await fetch(`${app.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`mcp-server:${SERVER_CLIENT_SECRET}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: TE, subject_token_type: AT, subject_token: aliceToken, resource: NC_RESOURCE, scope: "files.read" }),
    });
    expect(res.status).toBe(200);
    expect(decodeJwt(((await res.json()) as { access_token: string }).access_token).aud).toBe("nextcloud");
  });

  it("refuses a user without a Nextcloud grant with a description that names provisioning", async () => {
    const { status, body } = await exchange({ subject_token: bobToken, scope: "notes.read" });
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_grant");
    expect(body.error_description).toMatch(/provision/i);
  });

  it("refuses a subject token for another audience (no passthrough of Nextcloud tokens)", async () => {
    const nc = (await exchange({ subject_token: aliceToken, scope: "notes.read" })).body.access_token as string;
    const { status, body } = await exchange({ subject_token: nc, scope: "notes.read" });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/MCP resource/) });
  });

  it("refuses an expired subject token and never outlives a nearly expired one", async () => {
    const claims = decodeJwt(aliceToken);
    const forge = (exp: number) =>
      new SignJWT({ ...claims, exp, iat: Math.min(claims.iat!, exp - 60) }).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "test-ec" }).sign(signing.ec);
    const expired = await exchange({ subject_token: await forge(Math.floor(Date.now() / 1000) - 30), scope: "notes.read" });
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ error: "invalid_grant", error_description: "subject_token is expired" });
    const soon = Math.floor(Date.now() / 1000) + 40;
    const short = await exchange({ subject_token: await forge(soon), scope: "notes.read" });
    expect(short.status).toBe(200);
    expect(decodeJwt(short.body.access_token as string).exp).toBeLessThanOrEqual(soon);
    expect(short.body.expires_in).toBeLessThanOrEqual(40);
  });

  it("refuses a forged or tampered subject token", async () => {
    const other = await generateKeyPair("ES256");
    const forged = await new SignJWT(decodeJwt(aliceToken)).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "test-ec" }).sign(other.privateKey);
    expect((await exchange({ subject_token: forged, scope: "notes.read" })).body.error).toBe("invalid_grant");
    expect((await exchange({ subject_token: "not-a-jwt", scope: "notes.read" })).body.error).toBe("invalid_grant");
  });

  it("refuses scope escalation beyond the subject token and beyond the provisioned grant", async () => {
    const beyondSubject = await exchange({ subject_token: aliceToken, scope: "notes.read deck.write" });
    expect(beyondSubject).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    const beyondGrant = await exchange({ subject_token: aliceToken, scope: "notes.write" });
    expect(beyondGrant).toMatchObject({ status: 400, body: { error: "invalid_scope", error_description: expect.stringMatching(/provision/) } });
    const notNextcloud = await exchange({ subject_token: aliceToken, scope: "openid" });
    expect(notNextcloud).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
  });

  it("refuses other targets, other token types and actor tokens", async () => {
    expect((await exchange({ subject_token: aliceToken, scope: "notes.read", audience: `${app.url}/api/mcp` })).body.error).toBe("invalid_target");
    expect((await exchange({ subject_token: aliceToken, scope: "notes.read", subject_token_type: "urn:ietf:params:oauth:token-type:id_token" })).body.error).toBe("invalid_request");
    expect((await exchange({ subject_token: aliceToken, scope: "notes.read", actor_token: aliceToken, actor_token_type: AT })).body.error).toBe("invalid_request");
  });

  it("refuses public and other confidential clients, and a missing or wrong client authentication", async () => {
    const publicClient = await fetch(`${app.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: TE, client_id: mcpClient, subject_token_type: AT, subject_token: aliceToken, audience: "nextcloud", scope: "notes.read" }),
    });
    expect(publicClient.status).toBe(400);
    expect(((await publicClient.json()) as { error: string }).error).toMatch(/unauthorized_client|invalid_request/);
    // No other confidential client can exist: registration refuses secret-based authentication.
    const confidential = await register(app, { client_name: "Confidential", redirect_uris: ["https://c.example/cb"], token_endpoint_auth_method: "client_secret_basic" });
    expect(confidential).toMatchObject({ status: 400, body: { error: "invalid_client_metadata" } });
    const missing = await fetch(`${app.url}/api/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: TE, client_id: "mcp-server", subject_token_type: AT, subject_token: aliceToken, audience: "nextcloud", scope: "notes.read" }),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: string }).error).toBe("invalid_client");
    const wrong = await exchange({ subject_token: aliceToken, scope: "notes.read" }, `Basic ${Buffer.from("mcp-server:wrong-secret-wrong-secret").toString("base64")}`);
    expect(wrong).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("identity claims follow the grant's OIDC scopes: none without profile/email; with them the name, username and email user_oidc maps", async () => {
    // Alice's Flow 2 grant holds only openid and offline_access: nothing about her goes to Nextcloud.
    const bare = decodeJwt((await exchange({ subject_token: aliceToken, scope: "notes.read" })).body.access_token as string);
    for (const claim of ["preferred_username", "name", "email"]) expect(bare).not.toHaveProperty(claim);

    // Carol's holds profile and email, as provisioning asks for them.
    const request = await authorizationRequest(serverRp, { redirect_uri: `${app.url}/oauth/callback-nextcloud`, scope: "openid profile email offline_access notes.read", resource: NC_RESOURCE, prompt: "consent" });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: CAROL.username, password: CAROL.password });
    expect(result.code).toBeTruthy();
    await oidc.authorizationCodeGrant(serverRp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state }, { resource: NC_RESOURCE });
    const carolToken = await mcpToken(CAROL, "openid notes.read");
    const { status, body } = await exchange({ subject_token: carolToken, scope: "notes.read" });
    expect(status).toBe(200);
    const claims = decodeJwt(body.access_token as string);
    expect(claims).toMatchObject({ sub: decodeJwt(carolToken).sub, preferred_username: CAROL.username, name: CAROL.displayName, email: CAROL.email, scope: "notes.read" });
    // Nothing else of the account is copied.
    expect(claims).not.toHaveProperty("email_verified");
    expect(claims).not.toHaveProperty("is_admin");
  });

  it("fails closed once the user's Nextcloud grant is revoked", async () => {
    await oidc.tokenRevocation(serverRp, flow2RefreshToken);
    const { status, body } = await exchange({ subject_token: aliceToken, scope: "notes.read" });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/provision/) });
  });
});
