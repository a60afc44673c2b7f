/**
 * The MCP SDK's own client against the production build with the BUILT-IN
 * IdP: 401 → protected resource metadata → AS metadata → dynamic registration
 * (or a client ID metadata document) → sign-in and consent on the IdP's real
 * pages → finishAuth → tools/list → tools/call; then the step-up a scoped tool
 * needs. (Revocation cutting a client off: tests/e2e/dashboard-connections.spec.ts.)
 */
import { execFileSync } from "node:child_process";
import { createHmac, createPublicKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exportJWK, SignJWT, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, tempDir, testDbKind, type TestDatabase } from "../helpers/databases";
import { ALICE, idpEnv, seedAccounts, startApp } from "../helpers/idp-app";
import { MODERN_PROTOCOL, newModernClient, newModernTransport, newTransport, postMcp, PROTOCOL_VERSIONS, rpc, rpcAs, TestOAuthProvider, type ModernTransport, type ProtocolVersion } from "../helpers/mcp-client";
import { authorizeWithLogin, createCookieJar, type AuthorizeResult } from "../helpers/oidc-login";
import { UnauthorizedError as ModernUnauthorizedError } from "@modelcontextprotocol/client";

const kind = testDbKind();
const CIMD_REDIRECT = "http://127.0.0.1:45321/callback";

interface Session {
  call(name: string): Promise<Record<string, unknown>>;
  listTools(): Promise<string[]>;
  close(): Promise<void>;
  signIns(): number;
  /** What the person saw at each authorization (sign-in and consent steps, the consent page's scope boxes). */
  visits: AuthorizeResult[];
}

/**
 * An SDK client whose user agent signs in as `person` whenever the SDK asks for authorization:
 * the v1 client (MCP 2025-11-25) or, with `protocol: MODERN_PROTOCOL`, the v2 client pinned to
 * 2026-07-28 (it checks the RFC 9207 `iss` of each authorization response).
 */
async function connectAs(mcpUrl: string, provider: TestOAuthProvider, options: { person?: typeof ALICE; protocol?: ProtocolVersion } = {}): Promise<Session> {
  const person = options.person ?? ALICE;
  const modern = options.protocol === MODERN_PROTOCOL;
  const v1 = new Client({ name: "builtin-idp-e2e", version: "1.0.0" });
  const v2 = modern ? newModernClient() : undefined;
  const jar = createCookieJar();
  const newAnyTransport = () => (modern ? newModernTransport(mcpUrl, provider) : newTransport(mcpUrl, provider));
  let transport: StreamableHTTPClientTransport | ModernTransport = newAnyTransport();
  const visits: AuthorizeResult[] = [];
  const unauthorized = (error: unknown) => error instanceof UnauthorizedError || error instanceof ModernUnauthorizedError;
  const signIn = async () => {
    const url = provider.lastAuthorizationUrl!;
    provider.lastAuthorizationUrl = undefined;
    const result = await authorizeWithLogin({ authorizationUrl: url, username: person.username, password: person.password, jar });
    visits.push(result);
    if (!result.code) throw new Error(`authorization failed: ${result.error ?? result.loginError ?? "no code"}`);
    if (modern) await (transport as ModernTransport).finishAuth(result.code, result.iss);
    else await (transport as StreamableHTTPClientTransport).finishAuth(result.code);
  };
  const connect = () => (v2 ? v2.connect(transport as ModernTransport) : v1.connect(transport as StreamableHTTPClientTransport));
  try {
    await connect();
  } catch (error) {
    if (!unauthorized(error)) throw error;
    await signIn();
    transport = newAnyTransport();
    await connect();
  }
  if (v2) expect(v2.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL);
  const withAuth = async <T>(operation: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (!unauthorized(error) || attempt >= 2) throw error;
        await signIn();
      }
    }
  };
  return {
    visits,
    signIns: () => visits.length,
    call: (name) => withAuth(async () => (await (v2 ?? v1).callTool({ name, arguments: {} })) as Record<string, unknown>),
    // v2 with the SDK's own list cache on (its default): it keeps a list for the server's ttlMs even across a
    // re-authorization, so this shows the model's view right after a step-up (lib/mcp/create-mcp-server.ts TOOLS_LIST_CACHE).
    listTools: () => withAuth(async () => (await (v2 ? v2.listTools() : v1.listTools())).tools.map((t) => t.name)),
    close: () => (v2 ?? v1).close(),
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const scopesOf = (token: string) => ((JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { scope?: string }).scope ?? "").split(" ").filter(Boolean);

describe(`MCP endpoint with the built-in IdP (${kind})`, () => {
  let database: TestDatabase;
  let app: AppServer;
  let server: Server;
  let cimdUrl: string;
  let mcpUrl: string;

  beforeAll(async () => {
    // A client ID metadata document served over https by a test CA only the app trusts.
    const dir = tempDir("cimd-e2e");
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], { stdio: "ignore" });
    server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      if (req.url !== "/client.json") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({ client_id: cimdUrl, client_name: "Metadata-document client", redirect_uris: [CIMD_REDIRECT], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cimdUrl = `https://localhost:${(server.address() as { port: number }).port}/client.json`;
    database = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE]);
    app = await startApp(idpEnv(database, { NODE_ENV: "test", TEST_CIMD_ALLOW_LOOPBACK: "true", NODE_EXTRA_CA_CERTS: cert }));
    mcpUrl = `${app.url}/api/mcp`;
  });
  afterAll(async () => {
    await app?.stop();
    server?.close();
    await database?.drop();
  });

  it("lets the SDK client register dynamically, sign in, list and call tools", async () => {
    const provider = new TestOAuthProvider({ clientName: "SDK client (DCR)" });
    const session = await connectAs(mcpUrl, provider);
    const authorize = provider.authorizationRequests[0]!;
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${app.url}/api/oidc/auth`);
    expect(authorize.searchParams.get("resource")).toBe(mcpUrl);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    const token = provider.tokens()!.access_token;
    const [header, payload] = token.split(".").slice(0, 2).map((s) => JSON.parse(Buffer.from(s, "base64url").toString()));
    expect(header.typ).toBe("at+jwt");
    expect(payload).toMatchObject({ iss: `${app.url}/api/oidc`, aud: mcpUrl, sub: expect.any(String), client_id: (provider.clientInformation() as { client_id: string }).client_id });

    const tools = await session.listTools();
    expect(tools).toEqual(expect.arrayContaining(["check_provisioning_status", "provision_nextcloud_access", "whoami"]));
    // The first consent already covers every tool scope (first contact asks for them all).
    expect(tools).toEqual(expect.arrayContaining(["nc_notes_get", "nc_webdav_write_file"]));
    const status = await session.call("check_provisioning_status");
    expect(status.structuredContent).toMatchObject({ is_provisioned: false });
    const me = await session.call("whoami");
    expect(me.structuredContent).toMatchObject({ sub: payload.sub, client_id: payload.client_id });
    await session.close();
  });

  it("lets a client identified by a metadata document (an https client_id) do the same", async () => {
    const provider = new TestOAuthProvider({ redirectUri: CIMD_REDIRECT, clientMetadataUrl: cimdUrl });
    const session = await connectAs(mcpUrl, provider);
    expect(provider.authorizationRequests[0]!.searchParams.get("client_id")).toBe(cimdUrl);
    const me = await session.call("whoami");
    expect(me.structuredContent).toMatchObject({ client_id: cimdUrl });
    await session.close();
  });

  // MCP 2025-11-25 "Scope challenge handling" (v1 client: requests the challenge's scope) and MCP 2026-07-28
  // step-up (v2 client: requests held ∪ challenged); the challenge names held ∪ needed, so both ask alike.
  it.each(PROTOCOL_VERSIONS)("steps up on %s: 403 insufficient_scope (RFC 6750 §3.1) → re-authorization with held ∪ needed → consent shows only the new scope → the call runs", async (version) => {
    // A client that asked for less than the first challenge named (openid only) must step up for a scoped tool.
    const provider = new TestOAuthProvider({ clientName: `SDK client (step-up, ${version})` });
    provider.narrowNextRequest = "openid";
    const session = await connectAs(mcpUrl, provider, { protocol: version });
    expect(provider.authorizationRequests[0]!.searchParams.get("scope")).toBe("openid");
    expect(session.visits[0]!.steps).toEqual(["login", "consent"]);
    const before = provider.tokens()!.access_token;
    expect(scopesOf(before)).not.toContain("account.read");
    expect(await session.listTools()).not.toContain("nc_get_user_info");

    const direct = await postMcp(mcpUrl, rpcAs(version, "tools/call", { name: "nc_get_user_info", arguments: {} }), { token: before, version });
    expect(direct.status).toBe(403);
    expect(direct.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", error_description="nc_get_user_info needs scope account.read", scope="openid account.read", resource_metadata="${app.url}/.well-known/oauth-protected-resource/api/mcp"`,
    );

    const result = await session.call("nc_get_user_info");
    expect(session.signIns()).toBe(2);
    const stepUp = provider.authorizationRequests[1]!;
    const requested = stepUp.searchParams.get("scope")!.split(" ");
    // v1 requests the challenge verbatim; v2 the union of what it requested before, what it holds and the
    // challenge (its earlier request included offline_access, which the person's narrowing dropped).
    if (version === MODERN_PROTOCOL) expect(requested.sort()).toEqual(["account.read", "offline_access", "openid"]);
    else expect(requested.sort()).toEqual(["account.read", "openid"]);
    expect(stepUp.searchParams.get("resource")).toBe(mcpUrl);
    // Still signed in (same browser): no sign-in form, and the consent page asks only about what is not
    // granted yet (docs/architecture.md "Consent design": the grant's missing scopes), ticked as requested.
    expect(session.visits[1]!.steps).toEqual(["consent"]);
    expect(session.visits[1]!.consentChoices).toEqual(Object.fromEntries(requested.filter((s) => s !== "openid").map((s) => [s, true])));
    const after = provider.tokens()!.access_token;
    expect(after).not.toBe(before);
    expect(scopesOf(after)).toEqual(["account.read"]);
    // The tool ran: without Nextcloud access yet, it answers with a provisioning link (the guard), not a 403.
    expect(JSON.stringify(result.content)).toContain("/oauth/authorize-nextcloud");
    expect(await session.listTools()).toContain("nc_get_user_info");
    await session.close();
  });

  /**
   * The token attacks of mcp-auth-attacks.test.ts (external IdP) that apply to the built-in IdP, on both
   * protocol versions: forgeries around this IdP's real signing key and kid, and this IdP's own tokens
   * that are not access tokens for this resource (ID token, refresh token). Each differs from a working
   * token in one rule; the working token is proven to work first. RFC 6750 §3.1 invalid_token, RFC 8725.
   */
  describe.each(PROTOCOL_VERSIONS)("attacks with the built-in IdP's tokens, speaking %s", (version) => {
    let good: string;
    let tokens: { access_token: string; id_token?: string; refresh_token?: string };
    let kid: string;
    let alg: string;
    let issuer: string;
    let publicPem: string;
    const call = (token: string) => postMcp(mcpUrl, rpcAs(version, "tools/call", { name: "whoami", arguments: {} }), { token, version });
    const claims = () => JSON.parse(Buffer.from(good.split(".")[1]!, "base64url").toString()) as JWTPayload;

    beforeAll(async () => {
      const provider = new TestOAuthProvider({ clientName: `SDK client (attacks, ${version})` });
      const session = await connectAs(mcpUrl, provider, { protocol: version });
      await session.close();
      tokens = provider.tokens() as typeof tokens;
      good = tokens.access_token;
      ({ kid, alg } = JSON.parse(Buffer.from(good.split(".")[0]!, "base64url").toString()) as { kid: string; alg: string });
      issuer = claims().iss!;
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
      const { keys } = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JsonWebKey[] };
      publicPem = createPublicKey({ key: keys.find((k) => (k as { kid?: string }).kid === kid) as never, format: "jwk" }).export({ type: "spki", format: "pem" }) as string;
    });

    async function expectRefused(res: Response, why: string): Promise<void> {
      expect(res.status).toBe(401);
      const challenge = res.headers.get("www-authenticate") ?? "";
      expect(challenge).toContain('error="invalid_token"');
      expect(challenge).toMatch(new RegExp(`error_description="[^"]*${why}`));
      expect(challenge).toContain(`resource_metadata="${app.url}/.well-known/oauth-protected-resource/api/mcp"`);
      expect((await res.json()).error.code).toBe(-32000);
    }

    it("accepts the reference token (every case below breaks one rule of it)", async () => {
      const res = await call(good);
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain(claims().sub!);
    });

    const otherKey = (kind: "rsa" | "ec") => (kind === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" }));
    const sameFamily = () => (alg.startsWith("ES") ? otherKey("ec") : otherKey("rsa"));
    const forged: [string, string, () => Promise<string>][] = [
      ["alg none (unsecured JWT)", "refused signing algorithm", async () => `${b64({ alg: "none", typ: "at+jwt" })}.${b64(claims())}.`],
      [
        "HS256 signed with the IdP's public key as the secret",
        "refused signing algorithm",
        async () => {
          const input = `${b64({ alg: "HS256", typ: "at+jwt", kid })}.${b64(claims())}`;
          return `${input}.${createHmac("sha256", publicPem).update(input).digest("base64url")}`;
        },
      ],
      ["unknown kid", "unknown key", () => new SignJWT(claims()).setProtectedHeader({ alg, kid: "no-such-key", typ: "at+jwt" }).sign(sameFamily().privateKey)],
      ["signed by another key under the IdP's kid", "signature is invalid", () => new SignJWT(claims()).setProtectedHeader({ alg, kid, typ: "at+jwt" }).sign(sameFamily().privateKey)],
      [
        "attacker key embedded in the header (jwk)",
        "carries its own key",
        async () => {
          const { privateKey, publicKey } = otherKey("ec");
          return new SignJWT(claims()).setProtectedHeader({ alg: "ES256", typ: "at+jwt", jwk: await exportJWK(publicKey) }).sign(privateKey);
        },
      ],
      [
        "tampered payload (scope widened after signing)",
        "signature is invalid",
        async () => {
          const [h, , sig] = good.split(".");
          return `${h}.${b64({ ...claims(), scope: "openid notes.write files.write" })}.${sig}`;
        },
      ],
      ["an encrypted token (JWE compact)", "malformed", async () => "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"],
      ["oversized token (10 000 characters)", "too large", async () => `${good}${"A".repeat(10_000)}`],
      ["garbage", "malformed", async () => "not-a-jwt"],
    ];
    it.each(forged)("%s → 401 invalid_token (%s)", async (_name, why, make) => {
      await expectRefused(await call(await make()), why);
    });

    it("this IdP's ID token for the same sign-in → 401 (an ID token is not an access token)", async () => {
      expect(tokens.id_token).toBeTruthy();
      await expectRefused(await call(tokens.id_token!), "");
    });

    it("this IdP's refresh token → 401 (opaque, not an access token)", async () => {
      expect(tokens.refresh_token).toBeTruthy();
      await expectRefused(await call(tokens.refresh_token!), "malformed");
    });
  });
});
