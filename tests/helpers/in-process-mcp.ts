/**
 * The MCP handler running in the test process behind a plain Node HTTP server,
 * with the external IdP and an in-process database: for suites that give the
 * endpoint a catalogue of their own (a scoped test tool) or read server-side
 * state directly (the key ring, to mint a request state). Everything else is
 * real: the verifier, the client registry, the IdP, the SDK clients' discovery,
 * registration, PKCE and step-up.
 */
import http from "node:http";
import { listedFor, type CatalogueTool } from "@/lib/mcp/tool-definition";
import { openInProcessDatabase, type InProcessDatabase } from "./in-process-database";
import { startExternalIdp, REALM_PATH, type ExternalIdp } from "./external-idp";
import { freePort } from "./ports";

export interface InProcessMcp {
  appUrl: string;
  mcpUrl: string;
  idp: ExternalIdp;
  catalogue: readonly CatalogueTool[];
  /** The names tools/list shows a token with these scopes. */
  visible(scopes: string[]): string[];
  stop(): Promise<void>;
}

/** Starts the IdP and the MCP endpoint; `extraTools` builds tools to add to the application's catalogue. */
export async function startInProcessMcp(extraTools: () => Promise<CatalogueTool[]> = async () => []): Promise<InProcessMcp> {
  const [appPort, idpPort] = [await freePort(), await freePort()];
  const appUrl = `http://127.0.0.1:${appPort}`;
  const secret = "in-process-mcp-secret-0123456789";
  const database: InProcessDatabase = await openInProcessDatabase({ APP_URL: appUrl, OIDC_ISSUER: `http://127.0.0.1:${idpPort}${REALM_PATH}`, OIDC_CLIENT_SECRET: secret });
  const idp = await startExternalIdp({ port: idpPort, mcpResource: `${appUrl}/api/mcp`, mcpServerSecret: secret });

  const { handleMcpPost } = await import("@/lib/mcp/handle-mcp-request");
  const { resourceMetadataResponse } = await import("@/lib/auth/serve-resource-metadata");
  const { TOOL_CATALOGUE } = await import("@/lib/mcp/tool-catalogue");
  const { offeredFirstContactScopes } = await import("@/lib/mcp/offered-scopes");
  const catalogue = [...TOOL_CATALOGUE, ...(await extraTools())];

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const request = new Request(`${appUrl}${req.url}`, { method: req.method, headers, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    const response = req.url?.startsWith("/.well-known/oauth-protected-resource") ? resourceMetadataResponse(offeredFirstContactScopes(catalogue)) : await handleMcpPost(request, { catalogue });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(appPort, "127.0.0.1", resolve));
  return {
    appUrl,
    mcpUrl: `${appUrl}/api/mcp`,
    idp,
    catalogue,
    visible: (scopes) => catalogue.filter((t) => listedFor(t, scopes)).map((t) => t.name),
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await idp.stop();
      await database.close();
    },
  };
}
