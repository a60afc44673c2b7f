/**
 * The built-in IdP driven by a real relying-party library (openid-client 6)
 * against the production build: discovery, authorization code + PKCE, JWT
 * access tokens, refresh rotation and reuse detection, revocation,
 * introspection, end-session, and the protocol refusals.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { ALICE, authorizationRequest, idpEnv, register, relyingParty, seedAccounts, startApp } from "../helpers/idp-app";
import { authorizeWithLogin } from "../helpers/oidc-login";

const kind = testDbKind();
const REDIRECT = "http://127.0.0.1:8765/callback";

describe(`built-in IdP protocol on ${kind}`, () => {
  let database: TestDatabase;
  let app: AppServer;
  let clientId: string;
  let rp: oidc.Configuration;
  let mcp: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE]);
    app = await startApp(idpEnv(database));
    mcp = `${app.url}/api/mcp`;
    const reg = await register(app, { client_name: "Protocol Test", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none", post_logout_redirect_uris: ["http://127.0.0.1:8765/bye"] });
    expect(reg.status).toBe(201);
    clientId = reg.body.client_id as string;
    rp = await relyingParty(app, clientId);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  async function signIn(params: Record<string, string>) {
    const request = await authorizationRequest(rp, { redirect_uri: REDIRECT, resource: mcp, ...params });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password });
    return { request, result };
  }

  it("serves identical metadata at the OIDC and the RFC 8414 path-inserted URLs, with CORS", async () => {
    const [a, b] = await Promise.all([
      fetch(`${app.url}/api/oidc/.well-known/openid-configuration`, { headers: { origin: "https://client.example" } }),
      fetch(`${app.url}/.well-known/oauth-authorization-server/api/oidc`, { headers: { origin: "https://client.example" } }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const [ja, jb] = [await a.json(), await b.json()];
    expect(jb).toEqual(ja);
    expect(ja.issuer).toBe(`${app.url}/api/oidc`);
    expect(ja.code_challenge_methods_supported).toEqual(["S256"]);
    expect(ja.response_types_supported).toEqual(["code"]);
    expect(ja.authorization_response_iss_parameter_supported).toBe(true); // RFC 9207 §3
    // MCP 2026-07-28 client registration: clients try a client ID metadata document before DCR.
    expect(ja.client_id_metadata_document_supported).toBe(true);
    expect(ja.registration_endpoint).toBe(`${app.url}/api/oidc/reg`);
    expect(ja.grant_types_supported).toContain("urn:ietf:params:oauth:grant-type:token-exchange");
    expect(ja.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(["none", "client_secret_basic"]));
    expect(ja.token_endpoint_auth_methods_supported).not.toContain("client_secret_jwt");
    expect(b.headers.get("access-control-allow-origin")).toBe("https://client.example");
    expect(a.headers.get("access-control-allow-origin")).toBe("https://client.example");
    // API and metadata routes get the deny-all CSP, never a page nonce.
    expect(b.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(a.headers.get("content-security-policy")).not.toContain("nonce-");
  });

  it("runs code + PKCE and issues an MCP-audience JWT that verifies against the JWKS", async () => {
    const { request, result } = await signIn({ scope: "openid notes.read" });
    expect(result.steps).toEqual(["login", "consent"]);
    expect(result.code).toBeTruthy();
    expect(result.iss).toBe(`${app.url}/api/oidc`); // RFC 9207
    expect(result.state).toBe(request.state);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.refresh_token).toBeUndefined(); // no offline_access
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe("at+jwt");
    const jwks = await (await fetch(`${app.url}/api/oidc/jwks`)).json();
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), { issuer: `${app.url}/api/oidc`, audience: mcp, typ: "at+jwt" });
    expect(payload.client_id).toBe(clientId);
    expect(payload.scope).toBe("notes.read");
    expect(payload.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.gid).toBeTruthy();
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(tokens.claims()?.sub).toBe(payload.sub);
  });

  it("refuses plain and missing PKCE, and a redirect URI that is not an exact match", async () => {
    const base = { client_id: clientId, response_type: "code", redirect_uri: REDIRECT, scope: "openid", resource: mcp };
    const plain = await fetch(`${app.url}/api/oidc/auth?${new URLSearchParams({ ...base, code_challenge: "a".repeat(43), code_challenge_method: "plain" })}`, { redirect: "manual" });
    expect(new URL(plain.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
    const missing = await fetch(`${app.url}/api/oidc/auth?${new URLSearchParams(base)}`, { redirect: "manual" });
    const loc = new URL(missing.headers.get("location")!);
    expect(loc.searchParams.get("error")).toBe("invalid_request");
    expect(loc.searchParams.get("error_description")).toMatch(/PKCE/);
    const slash = await fetch(`${app.url}/api/oidc/auth?${new URLSearchParams({ ...base, redirect_uri: `${REDIRECT}/`, code_challenge: "a".repeat(43), code_challenge_method: "S256" })}`, { redirect: "manual", headers: { accept: "text/html" } });
    expect(slash.status).toBe(400);
    const page = await slash.text();
    expect(page).toContain("invalid_redirect_uri");
    expect(page).not.toMatch(/at .+\.js:\d+/); // no stack trace
  });

  it("does not let an MCP client ask for the Nextcloud resource", async () => {
    const request = await authorizationRequest(rp, { redirect_uri: REDIRECT, resource: "urn:nextcloud-mcp:resource:nextcloud", scope: "notes.read" });
    const res = await fetch(request.url, { redirect: "manual" });
    expect(new URL(res.headers.get("location")!).searchParams.get("error")).toBe("invalid_target");
  });

  it("rotates refresh tokens and revokes the grant when a rotated one is reused", async () => {
    const { request, result } = await signIn({ scope: "openid offline_access notes.read" });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    const first = tokens.refresh_token!;
    expect(first).toBeTruthy();
    const second = await oidc.refreshTokenGrant(rp, first, { resource: mcp });
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first);
    expect(decodeProtectedHeader(second.access_token).typ).toBe("at+jwt");
    await expect(oidc.refreshTokenGrant(rp, first)).rejects.toMatchObject({ error: "invalid_grant" });
    // Reuse revoked the whole grant: the newest refresh token is dead too.
    await expect(oidc.refreshTokenGrant(rp, second.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("answers a refresh with a resource it may not have invalid_target without using up the refresh token", async () => {
    const { request, result } = await signIn({ scope: "openid offline_access notes.read" });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    const refresh = tokens.refresh_token!;
    // Not granted to this client (Nextcloud), not a resource of ours, not even a URI.
    for (const resource of ["urn:nextcloud-mcp:resource:nextcloud", "https://elsewhere.example/api", "not a uri", `${mcp}#frag`]) {
      await expect(oidc.refreshTokenGrant(rp, refresh, { resource })).rejects.toMatchObject({ error: "invalid_target" });
    }
    await expect(oidc.refreshTokenGrant(rp, refresh, { resource: [mcp, "https://elsewhere.example/api"] as never })).rejects.toMatchObject({ error: "invalid_target" });
    // The refresh token is still the current one: it works, and rotates as usual.
    const next = await oidc.refreshTokenGrant(rp, refresh, { resource: mcp });
    expect(next.refresh_token).toBeTruthy();
    expect(next.refresh_token).not.toBe(refresh);
    expect(next.access_token).toBeTruthy();
    expect(await oidc.refreshTokenGrant(rp, next.refresh_token!)).toMatchObject({ token_type: expect.stringMatching(/bearer/i) });
  });

  it("introspects and revokes opaque refresh tokens (RFC 7662, RFC 7009), and refuses to introspect JWTs", async () => {
    const { request, result } = await signIn({ scope: "openid offline_access notes.read" });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    const active = await oidc.tokenIntrospection(rp, tokens.refresh_token!);
    expect(active.active).toBe(true);
    expect(active.client_id).toBe(clientId);
    await expect(oidc.tokenIntrospection(rp, tokens.access_token)).rejects.toMatchObject({ error: "unsupported_token_type" });
    await oidc.tokenRevocation(rp, tokens.refresh_token!);
    expect((await oidc.tokenIntrospection(rp, tokens.refresh_token!)).active).toBe(false);
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("ends the session (RP-initiated logout) and asks for the password again afterwards", async () => {
    const { request, result } = await signIn({ scope: "openid" });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    const jar = result.jar;
    const endUrl = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "http://127.0.0.1:8765/bye", state: "s1" });
    const confirm = await fetch(endUrl, { headers: { cookie: jar.header(endUrl) } });
    const html = await confirm.text();
    expect(confirm.status).toBe(200);
    expect(html).toContain("Sign out");
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!, endUrl);
    const done = await fetch(action, { method: "POST", redirect: "manual", headers: { cookie: jar.header(action), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, logout: "yes" }) });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("http://127.0.0.1:8765/bye?state=s1");
    jar.store(action, done.headers.getSetCookie());
    const again = await authorizationRequest(rp, { redirect_uri: REDIRECT, resource: mcp, scope: "openid" });
    const next = await authorizeWithLogin({ authorizationUrl: again.url, username: ALICE.username, password: ALICE.password, jar });
    expect(next.steps[0]).toBe("login");
    expect(next.code).toBeTruthy();
  });

  it("returns access_denied to the client when the user denies", async () => {
    const request = await authorizationRequest(rp, { redirect_uri: REDIRECT, resource: mcp, scope: "notes.write" });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password, consent: "deny" });
    expect(result.error).toBe("access_denied");
    expect(result.code).toBeUndefined();
    expect(result.state).toBe(request.state);
    expect(result.redirectUrl.startsWith(REDIRECT)).toBe(true);
    expect(result.iss).toBe(`${app.url}/api/oidc`); // RFC 9207 §2: error responses too
  });

  it("names itself (iss) in every authorization response, so a client that checks it detects a mix-up (RFC 9207 §2, §2.4)", async () => {
    const issuer = `${app.url}/api/oidc`;
    const other = "https://attacker.example/oidc";
    // openid-client reports "invalid response encountered" with the iss check's own message as its cause.
    const refused = (why: RegExp) => ({ code: "OAUTH_INVALID_RESPONSE", cause: expect.objectContaining({ message: expect.stringMatching(why) }) });
    const withIss = (url: string, iss: string | undefined) => {
      const changed = new URL(url);
      if (iss === undefined) changed.searchParams.delete("iss");
      else changed.searchParams.set("iss", iss);
      return changed;
    };

    // An error response sent back to the client before any sign-in (RFC 6749 §4.1.2.1).
    const early = await authorizationRequest(rp, { redirect_uri: REDIRECT, resource: "urn:nextcloud-mcp:resource:nextcloud", scope: "notes.read" });
    const errorUrl = (await fetch(early.url, { redirect: "manual" })).headers.get("location")!;
    expect(new URL(errorUrl).searchParams.get("iss")).toBe(issuer);
    const checks = { pkceCodeVerifier: early.verifier, expectedState: early.state };
    // openid-client checks iss first, then reports the server's error.
    await expect(oidc.authorizationCodeGrant(rp, new URL(errorUrl), checks)).rejects.toMatchObject({ error: "invalid_target" });
    await expect(oidc.authorizationCodeGrant(rp, withIss(errorUrl, other), checks)).rejects.toMatchObject(refused(/unexpected "iss"/));

    // A success response: the same code under another issuer's name, or under none, is refused.
    const { request, result } = await signIn({ scope: "openid notes.read" });
    expect(result.iss).toBe(issuer);
    const success = { pkceCodeVerifier: request.verifier, expectedState: request.state };
    await expect(oidc.authorizationCodeGrant(rp, withIss(result.redirectUrl, other), success)).rejects.toMatchObject(refused(/unexpected "iss"/));
    // The metadata promised iss (authorization_response_iss_parameter_supported), so a response without it is refused too.
    await expect(oidc.authorizationCodeGrant(rp, withIss(result.redirectUrl, undefined), success)).rejects.toMatchObject(refused(/"iss" \(issuer\) missing/));
    // The refused attempts never reached the token endpoint: the genuine response still redeems its code.
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), success);
    expect(tokens.access_token).toBeTruthy();
  });
});
