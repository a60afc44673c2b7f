/**
 * The built-in IdP served from the test process itself: the app's own
 * /api/oidc handler (pages/api/oidc) on a plain Node server at APP_URL, over
 * an in-process database (PGlite or PostgreSQL, as the suite runs). Tests can
 * then use lib/ code (grant store, broker, job runner, MCP server) next to a
 * real oidc-provider that answers real HTTP token requests — and mint the
 * tokens a signed-in user would have, through the provider's own models.
 */
import http from "node:http";
import { openInProcessDatabase, type InProcessDatabase } from "./in-process-database";
import { freePort } from "./ports";

export const SERVER_SECRET = "in-process-server-client-secret-0123";

export interface InProcessIdp {
  url: string;
  db: InProcessDatabase;
  close(): Promise<void>;
}

export async function startInProcessIdp(env: Record<string, string> = {}): Promise<InProcessIdp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const db = await openInProcessDatabase({ NODE_ENV: "test", APP_URL: url, OIDC_CLIENT_SECRET: SERVER_SECRET, OIDC_ISSUER: "", ...env });
  delete process.env.OIDC_ISSUER;
  const { default: oidcRoute } = await import("@/pages/api/oidc/[...path]");
  const { getProvider } = await import("@/lib/idp/provider");
  await getProvider();
  let server: http.Server | undefined;
  const listen = async () => {
    server = http.createServer((req, res) => void oidcRoute(req, res));
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
  };
  const stop = async () => {
    if (!server) return;
    const s = server;
    server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    url,
    db,
    async close() {
      await stop();
      await db.close();
    },
  };
}

/** Registers an MCP client (RFC 7591, over HTTP) and mints the MCP access token the IdP issues after the user's consent. */
export async function mintMcpAccessToken(idp: InProcessIdp, input: { accountId: string; scopes: string[]; expiresIn?: number }): Promise<{ token: string; clientId: string }> {
  const { getProvider } = await import("@/lib/idp/provider");
  const { getConfig } = await import("@/lib/config");
  const provider = await getProvider();
  const registered = await fetch(`${idp.url}/api/oidc/reg`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "In-process MCP client", redirect_uris: ["http://127.0.0.1:7000/cb"], token_endpoint_auth_method: "none" }),
  });
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${await registered.text()}`);
  const clientId = ((await registered.json()) as { client_id: string }).client_id;
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error("the registered client cannot be found");
  const audience = getConfig().MCP_AUDIENCE;
  const grant = new provider.Grant({ accountId: input.accountId, clientId });
  grant.addOIDCScope("openid");
  grant.addResourceScope(audience, input.scopes.join(" "));
  const grantId = await grant.save();
  const token = new provider.AccessToken({ accountId: input.accountId, client, grantId, gty: "authorization_code", scope: input.scopes.join(" "), ...(input.expiresIn ? { expiresIn: input.expiresIn } : {}) } as never);
  token.resourceServer = new provider.ResourceServer(audience, { scope: input.scopes.join(" "), audience, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } } as never);
  return { token: await token.save(), clientId };
}

/**
 * The MCP SDK client connected in memory to this app's MCP server (createMcpServer) as the user the
 * minted token names: the server gets the verified identity the HTTP layer would hand it.
 */
export async function connectInMemoryMcpClient(idp: InProcessIdp, input: { accountId: string; scopes: string[]; name: string }) {
  const [{ Client }, { InMemoryTransport }, { verifyAccessToken }, { authInfoFromToken }, { createMcpServer }, { getConfig }] = await Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/inMemory.js"),
    import("@/lib/auth/verify-access-token"),
    import("@/lib/mcp/caller"),
    import("@/lib/mcp/create-mcp-server"),
    import("@/lib/config"),
  ]);
  const { token } = await mintMcpAccessToken(idp, input);
  const authInfo = authInfoFromToken(await verifyAccessToken(token), token, getConfig().MCP_URL);
  const server = createMcpServer(authInfo);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  // The in-memory transport carries no HTTP request: hand the verified identity over as the HTTP layer does.
  const onMessage = serverSide.onmessage!;
  serverSide.onmessage = (message, extra) => onMessage(message, { ...extra, authInfo });
  const client = new Client({ name: input.name, version: "1" });
  await client.connect(clientSide);
  return client;
}
