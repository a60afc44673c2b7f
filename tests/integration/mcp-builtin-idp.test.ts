/**
 * The MCP SDK's own client against the production build with the BUILT-IN
 * IdP: 401 → protected resource metadata → AS metadata → dynamic registration
 * (or a client ID metadata document) → sign-in and consent on the IdP's real
 * pages → finishAuth → tools/list → tools/call; then the step-up a scoped tool
 * needs. (Revocation cutting a client off: tests/e2e/dashboard-connections.spec.ts.)
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, tempDir, testDbKind, type TestDatabase } from "../helpers/databases";
import { ALICE, idpEnv, seedAccounts, startApp } from "../helpers/idp-app";
import { newTransport, postMcp, rpc, TestOAuthProvider } from "../helpers/mcp-client";
import { authorizeWithLogin, createCookieJar } from "../helpers/oidc-login";

const kind = testDbKind();
const CIMD_REDIRECT = "http://127.0.0.1:45321/callback";

/** An SDK client whose user agent signs in as `person` whenever the SDK asks for authorization. */
async function connectAs(mcpUrl: string, provider: TestOAuthProvider, person = ALICE): Promise<{ client: Client; call(name: string): Promise<Record<string, unknown>>; signIns(): number }> {
  const client = new Client({ name: "builtin-idp-e2e", version: "1.0.0" });
  const jar = createCookieJar();
  let transport: StreamableHTTPClientTransport = newTransport(mcpUrl, provider);
  let signIns = 0;
  const signIn = async () => {
    const url = provider.lastAuthorizationUrl!;
    provider.lastAuthorizationUrl = undefined;
    signIns++;
    const result = await authorizeWithLogin({ authorizationUrl: url, username: person.username, password: person.password, jar });
    if (!result.code) throw new Error(`authorization failed: ${result.error ?? result.loginError ?? "no code"}`);
    await transport.finishAuth(result.code);
  };
  try {
    await client.connect(transport);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await signIn();
    transport = newTransport(mcpUrl, provider);
    await client.connect(transport);
  }
  return {
    client,
    signIns: () => signIns,
    async call(name) {
      for (let attempt = 0; ; attempt++) {
        try {
          return (await client.callTool({ name, arguments: {} })) as Record<string, unknown>;
        } catch (error) {
          if (!(error instanceof UnauthorizedError) || attempt >= 2) throw error;
          await signIn();
        }
      }
    },
  };
}

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

    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["check_provisioning_status", "provision_nextcloud_access", "whoami"]));
    // The first consent already covers every tool scope (first contact asks for them all).
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["nc_notes_get", "nc_webdav_write_file"]));
    const status = await session.call("check_provisioning_status");
    expect(status.structuredContent).toMatchObject({ is_provisioned: false });
    const me = await session.call("whoami");
    expect(me.structuredContent).toMatchObject({ sub: payload.sub, client_id: payload.client_id });
    await session.client.close();
  });

  it("lets a client identified by a metadata document (an https client_id) do the same", async () => {
    const provider = new TestOAuthProvider({ redirectUri: CIMD_REDIRECT, clientMetadataUrl: cimdUrl });
    const session = await connectAs(mcpUrl, provider);
    expect(provider.authorizationRequests[0]!.searchParams.get("client_id")).toBe(cimdUrl);
    const me = await session.call("whoami");
    expect(me.structuredContent).toMatchObject({ client_id: cimdUrl });
    await session.client.close();
  });

  it("steps up: a scoped tool answers 403 insufficient_scope, the SDK re-authorizes with the scope, the call then runs", async () => {
    // A client that asked for less than the first challenge named (openid only) must step up for a scoped tool.
    const provider = new TestOAuthProvider({ clientName: "SDK client (step-up)" });
    provider.narrowNextRequest = "openid";
    const session = await connectAs(mcpUrl, provider);
    const before = provider.tokens()!.access_token;
    const direct = await postMcp(mcpUrl, rpc("tools/call", { name: "nc_get_user_info", arguments: {} }), { token: before });
    expect(direct.status).toBe(403);
    expect(direct.headers.get("www-authenticate")).toMatch(/error="insufficient_scope".*scope="[^"]*account\.read/);
    const result = await session.call("nc_get_user_info");
    expect(session.signIns()).toBe(2);
    expect(provider.tokens()!.access_token).not.toBe(before);
    // The tool ran: without Nextcloud access yet, it answers with a provisioning link (the guard), not a 403.
    expect(JSON.stringify(result.content)).toContain("/oauth/authorize-nextcloud");
    await session.client.close();
  });
});
