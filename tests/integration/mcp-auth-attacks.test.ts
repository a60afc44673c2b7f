/**
 * Attacks on the MCP endpoint (production build, external-IdP mode). Every
 * case asserts the HTTP status and the header that tells the client why;
 * each token case differs from a working token in one rule only, and the
 * working token is proven to work first. The token, placement, rebinding and
 * body attacks run once per protocol version (2025-11-25 and 2026-07-28, whose
 * requests carry the `_meta` envelope and the Mcp-Method / Mcp-Name headers):
 * the checks come before the era dispatch and must answer both alike.
 * The token attacks that apply to the built-in IdP (forgeries around its key
 * and kid, its ID and refresh tokens) run on both versions in
 * mcp-builtin-idp.test.ts.
 */
import { createHmac, generateKeyPairSync, createPublicKey } from "node:crypto";
import net from "node:net";
import { SignJWT, exportJWK, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { MCP_AUDIENCE, NEXTCLOUD_RESOURCE, obtainTokens, startAppWithExternalIdp, TEST_CLIENT, type ExternalIdp } from "../helpers/external-idp";
import { initializeRequest, LATEST_PROTOCOL, postMcp as postAs, PROTOCOL_VERSIONS, rpc as plainRpc, rpcAs, standardHeaders, type ProtocolVersion } from "../helpers/mcp-client";
import { offeredFirstContactScopes } from "@/lib/mcp/offered-scopes";

const kind = testDbKind();
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

type Expect = { status: number; error?: "invalid_token" | "invalid_request" | null; why?: string };

describe(`attacks on the MCP endpoint (${kind})`, () => {
  let db: TestDatabase;
  let app: AppServer;
  let idp: ExternalIdp;
  let stopAll: () => Promise<void>;
  let mcpUrl: string;
  let good: string;

  const callAs = (version: ProtocolVersion, token: string | undefined, init: { headers?: Record<string, string>; url?: string } = {}) =>
    postAs(init.url ?? mcpUrl, rpcAs(version, "tools/call", { name: "whoami", arguments: {} }), { token, headers: init.headers, version });
  const call = (token: string | undefined, init: { headers?: Record<string, string>; url?: string } = {}) => callAs(LATEST_PROTOCOL, token, init);

  async function expectRefused(res: Response, expected: Expect): Promise<void> {
    expect(res.status).toBe(expected.status);
    const challenge = res.headers.get("www-authenticate");
    if (expected.error === undefined) return;
    expect(challenge).toContain(`resource_metadata="${app.url}/.well-known/oauth-protected-resource/api/mcp"`);
    // Every refusal names what a re-authorizing client should ask for: identity, refresh and every tool scope.
    expect(challenge).toContain(`scope="${offeredFirstContactScopes().join(" ")}"`);
    if (expected.error === null) expect(challenge).not.toContain("error=");
    else expect(challenge).toContain(`error="${expected.error}"`);
    if (expected.why) expect(challenge).toMatch(new RegExp(`error_description="[^"]*${expected.why}`));
    expect((await res.json()).error.code).toBe(-32000);
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ({ app, idp, stop: stopAll } = await startAppWithExternalIdp(db.env));
    mcpUrl = `${app.url}/api/mcp`;
    good = await idp.accessToken();
  });
  afterAll(async () => {
    await stopAll?.();
    await app?.stop();
    await db?.drop();
  });

  describe.each(PROTOCOL_VERSIONS)("speaking %s", (version) => {
  const call = (token: string | undefined, init: { headers?: Record<string, string>; url?: string } = {}) => callAs(version, token, init);
  const rpc = (method: string, params?: Record<string, unknown>, id?: number) => rpcAs(version, method, params, id);
  const postMcp = (url: string, body: unknown, options: Parameters<typeof postAs>[2] = {}) => postAs(url, body, { ...options, version });

  it("accepts the reference token (every case below breaks one rule of it)", async () => {
    const res = await call(good);
    expect(res.status).toBe(200);
    expect((await res.json()).result.structuredContent.sub).toBe("alice");
  });

  describe("forged and foreign tokens → 401 invalid_token", () => {
    const forged: [string, string, () => Promise<string>][] = [
      ["alg none (unsecured JWT)", "refused signing algorithm", async () => `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: idp.issuer, aud: MCP_AUDIENCE, sub: "alice", azp: "x", scope: "openid", exp: 9e9 })}.`],
      [
        "HS256 signed with the IdP's public key as the secret",
        "refused signing algorithm",
        async () => {
          const publicPem = createPublicKey({ key: idp.signingKey as never, format: "jwk" }).export({ type: "spki", format: "pem" });
          const input = `${b64({ alg: "HS256", typ: "JWT", kid: idp.kid })}.${b64({ iss: idp.issuer, aud: MCP_AUDIENCE, sub: "alice", azp: "x", scope: "openid", exp: 9e9 })}`;
          return `${input}.${createHmac("sha256", publicPem).update(input).digest("base64url")}`;
        },
      ],
      ["wrong issuer", "another issuer", () => idp.accessToken({ iss: "http://127.0.0.1:1/realms/evil" })],
      ["issuer with a trailing slash", "another issuer", () => idp.accessToken({ iss: `${idp.issuer}/` })],
      ["another service's audience", "not for this resource", () => idp.accessToken({ aud: "https://other.example/api" })],
      ["expired (beyond the 30 s skew)", "expired", () => idp.accessToken({ exp: Math.floor(Date.now() / 1000) - 120 })],
      ["not valid before a future time", "not valid yet", () => idp.accessToken({ nbf: Math.floor(Date.now() / 1000) + 300 })],
      ["unknown kid", "unknown key", () => idp.accessToken({}, { kid: "no-such-key" })],
      [
        "signed by another key under the IdP's kid",
        "signature is invalid",
        async () => {
          const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
          const now = Math.floor(Date.now() / 1000);
          return new SignJWT({ iss: idp.issuer, aud: MCP_AUDIENCE, sub: "alice", azp: "x", scope: "openid", exp: now + 600 })
            .setProtectedHeader({ alg: "RS256", kid: idp.kid, typ: "JWT" })
            .sign(privateKey);
        },
      ],
      [
        "attacker key embedded in the header (jwk)",
        "carries its own key",
        async () => {
          const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
          const jwk = await exportJWK(publicKey);
          return new SignJWT({ iss: idp.issuer, aud: MCP_AUDIENCE, sub: "alice", azp: "x", scope: "openid", exp: 9e9 }).setProtectedHeader({ alg: "ES256", jwk }).sign(privateKey);
        },
      ],
      [
        "tampered payload (scope widened after signing)",
        "signature is invalid",
        async () => {
          const [h, , s] = good.split(".");
          const claims = JSON.parse(Buffer.from(good.split(".")[1]!, "base64url").toString()) as JWTPayload;
          return `${h}.${b64({ ...claims, scope: "openid notes.write files.write" })}.${s}`;
        },
      ],
      ["missing sub", "lacks required claims", () => idp.accessToken({ sub: undefined })],
      ["missing client (no client_id, no azp)", "lacks required claims", () => idp.accessToken({ azp: undefined })],
      ["ID-token shaped (nonce, no scope)", "not an access token", () => idp.accessToken({ nonce: "n-1", scope: undefined, typ: undefined })],
      ["Keycloak ID token (typ claim ID)", "not an access token", () => idp.accessToken({ typ: "ID" })],
      ["a JWT of another type (typ dpop+jwt)", "not an access token", () => idp.accessToken({}, { typ: "dpop+jwt" })],
      ["scope claim of the wrong type", "lacks required claims", () => idp.accessToken({ scope: 42 as never })],
      ["an encrypted token (JWE compact)", "malformed", async () => "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"],
      ["oversized token (10 000 characters)", "too large", async () => `${good}${"A".repeat(10_000)}`],
      ["garbage", "malformed", async () => "not-a-jwt"],
    ];
    it.each(forged)("%s → %s", async (_name, why, make) => {
      await expectRefused(await call(await make()), { status: 401, error: "invalid_token", why });
    });

    it("a real ID token issued to this server's own client id (aud mcp-server)", async () => {
      const { id_token } = await obtainTokens(idp.issuer, {
        clientId: idp.mcpServerClient.clientId,
        clientSecret: idp.mcpServerClient.clientSecret,
        redirectUri: idp.mcpServerClient.redirectUri,
        scope: "openid",
      });
      const claims = JSON.parse(Buffer.from(id_token!.split(".")[1]!, "base64url").toString()) as JWTPayload;
      expect(claims.aud).toBe(MCP_AUDIENCE); // the audience alone would pass
      await expectRefused(await call(id_token), { status: 401, error: "invalid_token", why: "not an access token" });
    });

    it("a real Nextcloud-audience access token (no token passthrough)", async () => {
      const { access_token } = await obtainTokens(idp.issuer, { clientId: TEST_CLIENT.clientId, redirectUri: TEST_CLIENT.redirectUri, scope: "openid notes.read", resource: NEXTCLOUD_RESOURCE });
      expect(JSON.parse(Buffer.from(access_token!.split(".")[1]!, "base64url").toString()).aud).toBe("nextcloud");
      await expectRefused(await call(access_token), { status: 401, error: "invalid_token", why: "not for this resource" });
    });
  });

  describe("tokens in the wrong place", () => {
    it("token in the query string → 400 invalid_request", async () => {
      await expectRefused(await call(undefined, { url: `${mcpUrl}?access_token=${good}` }), { status: 400, error: "invalid_request" });
    });

    it("token in a form-encoded body → 400 invalid_request", async () => {
      const res = await fetch(mcpUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `access_token=${good}` });
      await expectRefused(res, { status: 400, error: "invalid_request" });
    });

    it("token inside the JSON body is ignored → 401 without an error code", async () => {
      const res = await postMcp(mcpUrl, { ...rpc("tools/call", { name: "whoami", arguments: {} }), access_token: good, params: { name: "whoami", arguments: {}, access_token: good } });
      await expectRefused(res, { status: 401, error: null });
    });

    it("two Authorization values folded into one field → 400 invalid_request", async () => {
      const res = await postMcp(mcpUrl, rpc("ping"), { headers: { authorization: `Bearer ${good}, Bearer ${good}` } });
      await expectRefused(res, { status: 400, error: "invalid_request" });
    });

    it("two Authorization header fields: only the first is read, a valid second one never authenticates", async () => {
      const raw = await rawPost(app.port, ["Authorization: Bearer not-a-jwt", `Authorization: Bearer ${good}`], undefined, version);
      expect(raw.status).toBe(401);
      expect(raw.headers["www-authenticate"]).toContain('error="invalid_token"');
    });

    it("another scheme (Basic) → 401 without an error code", async () => {
      const res = await postMcp(mcpUrl, rpc("ping"), { headers: { authorization: "Basic YWxpY2U6c2VjcmV0" } });
      await expectRefused(res, { status: 401, error: null });
    });
  });

  describe("DNS rebinding and bad requests", () => {
    it("a foreign Origin → 403 without CORS headers", async () => {
      const res = await call(good, { headers: { origin: "https://evil.example" } });
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect((await res.json()).error.message).toMatch(/Origin/);
    });

    it("the opaque Origin null → 403", async () => {
      const res = await call(good, { headers: { origin: "null" } });
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("a foreign Host (rebound DNS name) → 403", async () => {
      const raw = await rawPost(app.port, [`Authorization: Bearer ${good}`], "evil.example", version);
      expect(raw.status).toBe(403);
      expect(raw.headers["access-control-allow-origin"]).toBeUndefined();
    });

    it("a preflight from a foreign Origin → 403", async () => {
      const res = await fetch(mcpUrl, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    });

    // The same bytes on both eras (the body checks come before the era is known; 2026-07-28 has no batches).
    const bodies: [string, string, number, number][] = [
      ["malformed JSON", '{"jsonrpc":"2.0","id":1,"method":"ping"', 400, -32700],
      ["JSON that is not JSON-RPC", '{"hello":"world"}', 400, -32600],
      ["an empty batch", "[]", 400, -32600],
      ["a batch of 11 messages", JSON.stringify(Array.from({ length: 11 }, (_, i) => plainRpc("ping", undefined, i))), 400, -32600],
      ["a batch of 5000 messages", JSON.stringify(Array.from({ length: 5000 }, (_, i) => plainRpc("ping", undefined, i))), 400, -32600],
      ["a 2 MiB body", JSON.stringify({ ...plainRpc("ping"), pad: "x".repeat(2 * 1024 * 1024) }), 413, -32000],
    ];
    it.each(bodies)("%s → HTTP %i with JSON-RPC %i", async (_name, body, status, code) => {
      const res = await postMcp(mcpUrl, undefined, { token: good, rawBody: body });
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect((await res.json()).error.code).toBe(code);
    });

    it.runIf(version === LATEST_PROTOCOL)("a batch with initialize and another message → 400", async () => {
      const res = await postMcp(mcpUrl, [initializeRequest(), rpc("ping", undefined, 2)], { token: good });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    });
  });
  });

  describe("client registry", () => {
    it("cuts off a client within seconds of an admin disabling it", async () => {
      const token = await idp.accessToken({ azp: "soon-disabled-client" });
      expect((await call(token)).status).toBe(200); // first use records the external client
      const restarted = await disableClientInDatabase(db, "soon-disabled-client", { app, env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_SECRET: idp.mcpServerClient.clientSecret } });
      if (restarted) {
        app = restarted;
        mcpUrl = `${app.url}/api/mcp`;
      }
      const started = Date.now();
      let res = await call(token);
      while (res.status === 200 && Date.now() - started < 6_000) {
        await new Promise((r) => setTimeout(r, 250));
        res = await call(token);
      }
      await expectRefused(res, { status: 401, error: "invalid_token", why: "may not use this server" });
      expect(Date.now() - started).toBeLessThan(6_000);
      expect((await call(await idp.accessToken({ azp: "another-client" }))).status).toBe(200);
    });

    it("refuses a client that is not on the allowlist (MCP_CLIENT_POLICY=allowlist)", async () => {
      const other = await createTestDatabase(kind);
      const strict = await startApp({ ...other.env, OIDC_ISSUER: idp.issuer, OIDC_CLIENT_SECRET: idp.mcpServerClient.clientSecret, MCP_CLIENT_POLICY: "allowlist", ALLOWED_MCP_CLIENTS: "listed-client|http://127.0.0.1/cb" });
      try {
        const url = `${strict.url}/api/mcp`;
        expect((await call(await idp.accessToken({ azp: "listed-client" }), { url })).status).toBe(200);
        const res = await call(await idp.accessToken({ azp: "unlisted-client" }), { url });
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toContain('error="invalid_token", error_description="the client of this access token may not use this server"');
        expect(res.headers.get("www-authenticate")).toContain(`resource_metadata="${strict.url}/.well-known/oauth-protected-resource/api/mcp"`);
      } finally {
        await strict.stop();
        await other.drop();
      }
    });
  });
});

/** A POST written on a socket, for what fetch refuses to send (repeated Authorization fields, a foreign Host). */
async function rawPost(port: number, extraHeaders: string[], host = `127.0.0.1:${port}`, version: ProtocolVersion = LATEST_PROTOCOL): Promise<{ status: number; headers: Record<string, string> }> {
  const message = rpcAs(version, "tools/call", { name: "whoami", arguments: {} });
  const body = JSON.stringify(message);
  const request = [
    "POST /api/mcp HTTP/1.1",
    `Host: ${host}`,
    "Content-Type: application/json",
    "Accept: application/json, text/event-stream",
    ...Object.entries(standardHeaders(message, version)).map(([name, value]) => `${name}: ${value}`),
    ...extraHeaders,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.on("data", (d) => (data += d.toString()));
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
  const [head = ""] = raw.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status: Number(statusLine.split(" ")[1]), headers };
}

/**
 * Disables a client the way an admin does (lib/auth/client-registry), from the
 * test process. PostgreSQL: while the app runs. PGlite admits one process per
 * data folder: the app is stopped for the change and started again (returned).
 */
async function disableClientInDatabase(db: TestDatabase, clientId: string, running: { app: AppServer; env: Record<string, string> }): Promise<AppServer | undefined> {
  const change = async () => {
    Object.assign(process.env, db.env);
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
    const { setClientDisabled } = await import("@/lib/auth/client-registry");
    const { closeDatabase } = await import("@/lib/db");
    try {
      expect(await setClientDisabled(clientId, true)).toBe(true);
    } finally {
      await closeDatabase();
    }
  };
  if (db.kind === "postgres") {
    await change();
    return undefined;
  }
  await running.app.stop();
  await change();
  return startApp({ ...db.env, ...running.env });
}
