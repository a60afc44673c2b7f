/**
 * CORS (Fetch standard, "CORS protocol") for the MCP endpoint and the metadata
 * documents, so that browser-based MCP clients (MCP Inspector, web apps) can
 * connect.
 * - Metadata documents are public: any origin may read them.
 * - The MCP endpoint answers only origins it trusts (this app and
 *   ALLOWED_ORIGINS); others are refused before anything else happens
 *   (see request-origin.ts). No cookies are involved, so credentials mode is
 *   never enabled.
 * Browsers hide response headers unless exposed: MCP clients must read
 * WWW-Authenticate (to discover the authorization server and step up) and
 * Mcp-Session-Id.
 */

export const EXPOSED_HEADERS = "WWW-Authenticate, Mcp-Session-Id";
const MCP_REQUEST_HEADERS = "Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID";

export type CorsPolicy = { kind: "public" } | { kind: "trusted"; origin: string };

export function corsHeaders(policy: CorsPolicy): Record<string, string> {
  if (policy.kind === "public") {
    return { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": EXPOSED_HEADERS };
  }
  return { "Access-Control-Allow-Origin": policy.origin, "Access-Control-Expose-Headers": EXPOSED_HEADERS, Vary: "Origin" };
}

/** Adds CORS headers to a response (a new Response when the original's headers are immutable). */
export function withCors(response: Response, policy: CorsPolicy | undefined): Response {
  if (!policy) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(corsHeaders(policy))) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The answer to a CORS preflight (OPTIONS with Access-Control-Request-Method). */
export function preflightResponse(policy: CorsPolicy, methods: readonly string[]): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(policy),
      "Access-Control-Allow-Methods": methods.join(", "),
      "Access-Control-Allow-Headers": policy.kind === "public" ? "Accept, MCP-Protocol-Version" : MCP_REQUEST_HEADERS,
      "Access-Control-Max-Age": "600",
      Allow: methods.join(", "),
    },
  });
}
