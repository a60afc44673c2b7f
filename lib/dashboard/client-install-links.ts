/**
 * One-click install links for MCP clients that register a server from a URL
 * scheme, built from this server's MCP endpoint (APP_URL + /api/mcp):
 *
 * - VS Code: `vscode:mcp/install?<URL-encoded JSON>`, the JSON being one
 *   server entry of mcp.json plus its name, `{"name","type":"http","url"}`
 *   (VS Code docs, "MCP servers › Add an MCP server › URL handler").
 * - Cursor: `cursor://anysphere.cursor-deeplink/mcp/install?name=<name>&config=<base64 JSON>`,
 *   the JSON being the server's mcp.json entry, `{"url"}` for a remote server
 *   (cursor.com/docs/mcp/install-links).
 *
 * Both clients then run the OAuth sign-in themselves, as with a pasted URL.
 */
export const SERVER_NAME = "nextcloud";

/** Where docs/deploy.md says how cloud-hosted connectors (claude.ai, Claude Desktop) reach this server. */
export const PUBLIC_URL_DOCS = "https://github.com/nextcloud-mcp/nextcloud-mcp/blob/main/docs/deploy.md#reaching-it-from-every-client";

export function vscodeInstallLink(mcpUrl: string): string {
  return `vscode:mcp/install?${encodeURIComponent(JSON.stringify({ name: SERVER_NAME, type: "http", url: mcpUrl }))}`;
}

export function cursorInstallLink(mcpUrl: string): string {
  const config = Buffer.from(JSON.stringify({ url: mcpUrl }), "utf8").toString("base64");
  return `cursor://anysphere.cursor-deeplink/mcp/install?name=${encodeURIComponent(SERVER_NAME)}&config=${encodeURIComponent(config)}`;
}

/** True when a connector running in someone else's cloud can reach the URL: https on a name that is not loopback. */
export function reachableFromTheCloud(mcpUrl: string): boolean {
  const { protocol, hostname } = new URL(mcpUrl);
  const loopback = hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]" || /^127\./.test(hostname);
  return protocol === "https:" && !loopback;
}
