/**
 * Who may become a client of the built-in IdP: dynamic registration (RFC 7591)
 * with strict metadata rules, Client ID Metadata Documents fetched under an
 * SSRF guard, the allowlist policy, and disabled clients.
 */
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:https";
import path from "node:path";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, tempDir, testDbKind, type TestDatabase } from "../helpers/databases";
import { ALICE, authorizationRequest, idpEnv, register, relyingParty, seedAccounts, startApp, startAppOnPort } from "../helpers/idp-app";
import { authorizeWithLogin } from "../helpers/oidc-login";
import { freePort } from "../helpers/ports";

const kind = testDbKind();
const good = { client_name: "Good Client", redirect_uris: ["http://127.0.0.1:7000/cb"], token_endpoint_auth_method: "none" };

const BAD: [string, Record<string, unknown>, "invalid_redirect_uri" | "invalid_client_metadata"][] = [
  ["no redirect_uris", { client_name: "x" }, "invalid_redirect_uri"],
  ["empty redirect_uris", { ...good, redirect_uris: [] }, "invalid_redirect_uri"],
  ["redirect_uris not an array", { ...good, redirect_uris: "https://a.example/cb" }, "invalid_redirect_uri"],
  ["http on a public host", { ...good, redirect_uris: ["http://client.example/cb"] }, "invalid_redirect_uri"],
  ["http on a host that only starts like loopback", { ...good, redirect_uris: ["http://127.0.0.1.evil.example/cb"] }, "invalid_redirect_uri"],
  ["a fragment", { ...good, redirect_uris: ["https://client.example/cb#frag"] }, "invalid_redirect_uri"],
  ["a wildcard", { ...good, redirect_uris: ["https://*.client.example/cb"] }, "invalid_redirect_uri"],
  ["javascript:", { ...good, redirect_uris: ["javascript:alert(1)"] }, "invalid_redirect_uri"],
  ["data:", { ...good, redirect_uris: ["data:text/html,hi"] }, "invalid_redirect_uri"],
  ["a relative URI", { ...good, redirect_uris: ["/callback"] }, "invalid_redirect_uri"],
  ["credentials in the URI", { ...good, redirect_uris: ["https://user:pw@client.example/cb"] }, "invalid_redirect_uri"],
  ["21 redirect URIs", { ...good, redirect_uris: Array.from({ length: 21 }, (_, i) => `https://client.example/cb${i}`) }, "invalid_redirect_uri"],
  ["no client_name", { redirect_uris: good.redirect_uris }, "invalid_client_metadata"],
  ["a blank client_name", { ...good, client_name: "   " }, "invalid_client_metadata"],
  ["a client_name of 101 characters", { ...good, client_name: "n".repeat(101) }, "invalid_client_metadata"],
  ["a control character in client_name", { ...good, client_name: "bad\u0007name" }, "invalid_client_metadata"],
  ["the token-exchange grant", { ...good, grant_types: ["authorization_code", "urn:ietf:params:oauth:grant-type:token-exchange"] }, "invalid_client_metadata"],
  ["client_credentials", { ...good, grant_types: ["client_credentials"] }, "invalid_client_metadata"],
  ["implicit", { ...good, grant_types: ["implicit"], response_types: ["token"] }, "invalid_client_metadata"],
  ["response_types token", { ...good, response_types: ["code", "token"] }, "invalid_client_metadata"],
  ["private_key_jwt", { ...good, token_endpoint_auth_method: "private_key_jwt" }, "invalid_client_metadata"],
  ["client_secret_jwt", { ...good, token_endpoint_auth_method: "client_secret_jwt" }, "invalid_client_metadata"],
  // MCP clients are public clients with PKCE: no client secret is issued (it would be stored in clear).
  ["client_secret_basic", { ...good, redirect_uris: ["https://client.example/cb"], token_endpoint_auth_method: "client_secret_basic" }, "invalid_client_metadata"],
  ["client_secret_post", { ...good, redirect_uris: ["https://client.example/cb"], token_endpoint_auth_method: "client_secret_post" }, "invalid_client_metadata"],
  ["a scope outside the catalogue", { ...good, scope: "openid admin.everything" }, "invalid_client_metadata"],
  // OIDC Registration §2 and MCP 2026-07-28: a web client has https redirect URIs only.
  ["application_type web with a loopback redirect", { ...good, application_type: "web" }, "invalid_redirect_uri"],
  ["application_type web with a private-use redirect", { ...good, application_type: "web", redirect_uris: ["https://client.example/cb", "com.example.app:/cb"] }, "invalid_redirect_uri"],
  ["an unknown application_type", { ...good, application_type: "desktop" }, "invalid_client_metadata"],
];

// Client ID Metadata Documents served over https from loopback, with a test CA for "localhost" that only
// the apps under test trust (NODE_EXTRA_CA_CERTS): the CIMD app, and the registration app, which runs in
// production mode without the loopback escape hatch and so shows that loopback documents are refused there.
let server: Server;
let base: string;
/** The CIMD app's limit on a document fetch (production: 5 s, and oidc-provider's 2.5 s before it). */
const CIMD_FETCH_TIMEOUT_MS = 1_000;
let cert: string;
const docs = new Map<string, (url: string) => { body: string; delayMs?: number; status?: number; headers?: Record<string, string> }>();
beforeAll(async () => {
  const dir = tempDir("cimd-tls");
  const key = path.join(dir, "key.pem");
  cert = path.join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { stdio: "ignore" });
  const { readFileSync } = await import("node:fs");
  server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const make = docs.get(req.url ?? "");
    if (!make) return void res.writeHead(404).end();
    const doc = make(`${base}${req.url}`);
    setTimeout(() => res.writeHead(doc.status ?? 200, { "content-type": "application/json", ...doc.headers }).end(doc.body), doc.delayMs ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `https://localhost:${(server.address() as { port: number }).port}`;
  const document = (url: string, extra: Record<string, unknown> = {}) => JSON.stringify({ client_id: url, client_name: "CIMD Client", redirect_uris: ["http://127.0.0.1/cb"], token_endpoint_auth_method: "none", ...extra });
  docs.set("/good.json", (url) => ({ body: document(url) }));
  docs.set("/web-loopback.json", (url) => ({ body: document(url, { application_type: "web" }) }));
  docs.set("/mismatch.json", () => ({ body: document(`${base}/other.json`) }));
  docs.set("/oversized.json", (url) => ({ body: document(url, { client_uri: `https://client.example/${"x".repeat(6000)}` }) }));
  // Slower than the CIMD app's fetch limit (TEST_CIMD_FETCH_TIMEOUT_MS) but faster than oidc-provider's own
  // 2.5 s: only this server's guard can refuse it.
  docs.set("/slow.json", (url) => ({ body: document(url), delayMs: 2 * CIMD_FETCH_TIMEOUT_MS }));
  docs.set("/redirect.json", () => ({ body: "", status: 302, headers: { location: `${base}/good.json` } }));
  docs.set("/token-exchange.json", (url) => ({ body: document(url, { grant_types: ["authorization_code", "urn:ietf:params:oauth:grant-type:token-exchange"] }) }));
});

/** The app of the registration cases (production mode, no loopback escape hatch), kept for a CIMD case. */
let registrationApp: AppServer | undefined;
let registrationDatabase: TestDatabase | undefined;
afterAll(async () => {
  await registrationApp?.stop();
  await registrationDatabase?.drop();
  server?.close();
});

describe(`dynamic client registration on ${kind}`, () => {
  let database: TestDatabase;
  let app: AppServer;
  let port: number;

  beforeAll(async () => {
    database = registrationDatabase = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE]);
    port = await freePort();
    app = registrationApp = await startAppOnPort(idpEnv(database, { NODE_EXTRA_CA_CERTS: cert }), port);
  });

  it(`refuses ${BAD.length} bad registrations with the right RFC 7591 error`, async () => {
    const answers = await Promise.all(BAD.map(async ([label, metadata, error]) => ({ label, error, ...(await register(app, metadata)) })));
    for (const a of answers) {
      expect({ label: a.label, status: a.status, error: a.body.error }).toEqual({ label: a.label, status: 400, error: a.error });
      expect(typeof a.body.error_description).toBe("string");
    }
  });

  it("accepts loopback (any port at authorization), https and private-use scheme public clients", async () => {
    const loopback = await register(app, good);
    expect(loopback.status).toBe(201);
    expect(loopback.body.application_type).toBe("native");
    expect(loopback.body.registration_access_token).toBeTruthy();
    const https = await register(app, { ...good, redirect_uris: ["https://client.example/cb"], scope: "openid notes.read offline_access" });
    expect(https.status).toBe(201);
    expect(https.body.grant_types).toEqual(["authorization_code", "refresh_token"]);
    const privateUse = await register(app, { ...good, redirect_uris: ["com.example.app:/oauth2redirect"] });
    expect(privateUse.status).toBe(201);
    expect(https.body.token_endpoint_auth_method).toBe("none");
    expect(https.body.client_secret).toBeUndefined();

    // RFC 8252 §7.3: the port of a loopback redirect URI may vary.
    const rp = await relyingParty(app, loopback.body.client_id as string);
    const request = await authorizationRequest(rp, { redirect_uri: "http://127.0.0.1:53123/cb", scope: "openid notes.read", resource: `${app.url}/api/mcp` });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password });
    expect(result.code).toBeTruthy();
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.access_token).toBeTruthy();
  });

  it("handles application_type as MCP 2026-07-28 asks: declared and kept, inferred for older clients, retried after a refusal", async () => {
    const https = { ...good, redirect_uris: ["https://client.example/cb"] };
    // 2026-07-28 clients declare it (client registration, "Application Type and Redirect URI Constraints").
    expect((await register(app, { ...good, application_type: "native" })).body.application_type).toBe("native");
    expect((await register(app, { ...https, application_type: "web" })).body.application_type).toBe("web");
    expect((await register(app, { ...https, application_type: "native" })).body.application_type).toBe("native"); // RFC 8252 §7.2 claimed https
    // 2025-11-25 clients (the v1 SDK among them) leave it out: inferred from the redirect URIs, not OIDC's default "web".
    expect((await register(app, good)).body.application_type).toBe("native");
    expect((await register(app, https)).body.application_type).toBe("web");
    // A client refused as "web" may retry as "native" (the spec's advice) and is let in.
    const refused = await register(app, { ...good, application_type: "web" });
    expect(refused.status).toBe(400);
    expect(refused.body.error_description).toMatch(/application_type native/);
    const retried = await register(app, { ...good, application_type: "native" });
    expect(retried.status).toBe(201);

    // A web client's redirect URI matches exactly; only native loopback clients get port variance (RFC 8252 §7.3).
    const web = await register(app, { ...https, application_type: "web" });
    const rp = await relyingParty(app, web.body.client_id as string);
    const wrong = await authorizationRequest(rp, { redirect_uri: "https://client.example/cb2", scope: "openid", resource: `${app.url}/api/mcp` });
    const page = await fetch(wrong.url, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("invalid_redirect_uri");
  });

  it("answers browser preflights at the registration endpoint", async () => {
    const res = await fetch(`${app.url}/api/oidc/reg`, { method: "OPTIONS", headers: { origin: "https://inspector.example", "access-control-request-method": "POST" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("refuses a disabled client at the authorization and at the token endpoint", async () => {
    const reg = await register(app, good);
    const clientId = reg.body.client_id as string;
    const rp = await relyingParty(app, clientId);
    const request = await authorizationRequest(rp, { redirect_uri: good.redirect_uris[0]!, scope: "openid notes.read", resource: `${app.url}/api/mcp` });
    const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password });
    expect(result.code).toBeTruthy();
    // PGlite admits one process: disable the client with the app stopped, then start it again on the same port.
    await app.stop();
    const { setClientDisabled } = await import("@/lib/auth/client-registry");
    const { closeDatabase } = await import("@/lib/db");
    expect(await setClientDisabled(clientId, true)).toBe(true);
    await closeDatabase();
    app = registrationApp = await startAppOnPort(idpEnv(database, { NODE_EXTRA_CA_CERTS: cert }), port);
    await expect(oidc.authorizationCodeGrant(rp, new URL(result.redirectUrl), { pkceCodeVerifier: request.verifier, expectedState: request.state })).rejects.toMatchObject({ error: "invalid_client" });
    const again = await fetch(request.url, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("invalid_client");
  });
});

describe(`the allowlist client policy on ${kind}`, () => {
  let database: TestDatabase;
  afterAll(async () => database?.drop());

  it("with an empty list refuses every client and offers no registration; with entries admits them (loopback on any port)", async () => {
    database = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE]);
    const empty = await startApp(idpEnv(database, { MCP_CLIENT_POLICY: "allowlist" }));
    try {
      const meta = await (await fetch(`${empty.url}/api/oidc/.well-known/openid-configuration`)).json();
      expect(meta.registration_endpoint).toBeUndefined();
      expect(meta.client_id_metadata_document_supported).toBeUndefined();
      expect((await fetch(`${empty.url}/api/oidc/reg`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(good) })).status).toBe(404);
    } finally {
      await empty.stop();
    }
    const listed = await startApp(idpEnv(database, { MCP_CLIENT_POLICY: "allowlist", ALLOWED_MCP_CLIENTS: "claude|http://127.0.0.1/callback" }));
    try {
      const rp = await relyingParty(listed, "claude");
      const request = await authorizationRequest(rp, { redirect_uri: "http://127.0.0.1:41234/callback", scope: "notes.read", resource: `${listed.url}/api/mcp` });
      const result = await authorizeWithLogin({ authorizationUrl: request.url, username: ALICE.username, password: ALICE.password });
      expect(result.code).toBeTruthy();
      const stranger = await fetch(`${listed.url}/api/oidc/auth?${new URLSearchParams({ client_id: "stranger", response_type: "code", redirect_uri: "http://127.0.0.1/callback", code_challenge: "a".repeat(43), code_challenge_method: "S256" })}`, { headers: { accept: "text/html" } });
      expect(stranger.status).toBe(400);
      expect(await stranger.text()).toContain("invalid_client");
    } finally {
      await listed.stop();
    }
  });
});

describe(`ENABLE_DCR=false on ${kind}`, () => {
  let database: TestDatabase;
  let app: AppServer;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    app = await startApp(idpEnv(database, { ENABLE_DCR: "false" }));
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it("offers no registration endpoint and refuses registrations, while client ID metadata documents stay on", async () => {
    const meta = await (await fetch(`${app.url}/.well-known/oauth-authorization-server/api/oidc`)).json();
    expect(meta.registration_endpoint).toBeUndefined();
    expect(meta.client_id_metadata_document_supported).toBe(true);
    const res = await fetch(`${app.url}/api/oidc/reg`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(good) });
    expect(res.status).toBe(404);
  });
});

describe(`client ID metadata documents on ${kind}`, () => {
  let database: TestDatabase;
  let app: AppServer;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE]);
    app = await startApp(idpEnv(database, { NODE_ENV: "test", TEST_CIMD_ALLOW_LOOPBACK: "true", TEST_CIMD_FETCH_TIMEOUT_MS: String(CIMD_FETCH_TIMEOUT_MS), NODE_EXTRA_CA_CERTS: cert }));
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  async function authorizeAt(target: AppServer, clientId: string) {
    const query = new URLSearchParams({ client_id: clientId, response_type: "code", redirect_uri: "http://127.0.0.1:4545/cb", scope: "notes.read", resource: `${target.url}/api/mcp`, code_challenge: oidc.randomPKCECodeVerifier(), code_challenge_method: "S256" });
    return `${target.url}/api/oidc/auth?${query}`;
  }

  async function refusal(clientId: string, target = app) {
    const res = await fetch(await authorizeAt(target, clientId), { headers: { accept: "text/html" }, redirect: "manual" });
    return { status: res.status, page: await res.text() };
  }

  it("accepts a good document and shows the client as identified by its document", async () => {
    const result = await authorizeWithLogin({ authorizationUrl: await authorizeAt(app, `${base}/good.json`), username: ALICE.username, password: ALICE.password });
    expect(result.code).toBeTruthy();
    expect(result.steps).toContain("consent");
  });

  it("treats a document's web application_type next to loopback redirect URIs as native (never the weaker type)", async () => {
    // oidc-provider fills in "web" for a document without one, so a "web" here cannot be told from
    // a missing value: loopback redirect URIs make the client native (consent every time, and the
    // RFC 8252 §7.3 port variance this authorization at port 4545 relies on).
    const result = await authorizeWithLogin({ authorizationUrl: await authorizeAt(app, `${base}/web-loopback.json`), username: ALICE.username, password: ALICE.password });
    expect(result.code).toBeTruthy();
    expect(result.steps).toContain("consent");
  });

  it.each([
    ["an http URL", () => `${base.replace("https:", "http:")}/good.json`],
    ["a private address", () => "https://10.11.12.13/client.json"],
    ["a link-local address", () => "https://169.254.169.254/latest/meta-data"],
    ["an oversized document", () => `${base}/oversized.json`],
    ["a document served too slowly", () => `${base}/slow.json`],
    ["a redirect", () => `${base}/redirect.json`],
    ["a document whose client_id is another URL", () => `${base}/mismatch.json`],
  ])("refuses %s", async (_label, id) => {
    const { status, page } = await refusal(id());
    expect(status).toBe(400);
    expect(page).toMatch(/invalid_client/);
  });

  it("refuses a document that claims the token-exchange grant", async () => {
    const { status, page } = await refusal(`${base}/token-exchange.json`);
    expect(status).toBe(400);
    expect(page).toMatch(/invalid_client/);
  });

  it("refuses loopback documents when the test escape hatch is off (production)", async () => {
    // The registration cases' app: production mode, no escape hatch, and it trusts the documents' CA,
    // so only the loopback rule stands between it and the document that the app above accepted.
    const prod = registrationApp!;
    const { status, page } = await refusal(`${base}/good.json`, prod);
    expect(status).toBe(400);
    expect(page).toMatch(/invalid_client/);
  });

  it("will not start with the escape hatch outside NODE_ENV=test", async () => {
    const { expectStartFailure } = await import("../helpers/app-server");
    const { code, output } = await expectStartFailure(idpEnv(database, { TEST_CIMD_ALLOW_LOOPBACK: "true" }));
    expect(code).not.toBe(0);
    expect(output).toContain("TEST_CIMD_ALLOW_LOOPBACK is only allowed with NODE_ENV=test");
  });
});
