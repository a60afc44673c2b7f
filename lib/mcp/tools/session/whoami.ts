/**
 * whoami: the identity this server sees for the current token — user, client,
 * the MCP scopes granted and when the token expires. Useful to debug consent
 * ("why is this tool missing?") and touches nothing but the verified token.
 */
import { z } from "zod";
import { defineTool } from "@/lib/mcp/tool-definition";

export const whoami = defineTool({
  name: "whoami",
  title: "Who am I",
  description: "Shows who this server thinks you are: your user id, the MCP client you use, the permissions (scopes) it was granted and when its access token expires.",
  input: z.object({}),
  output: z.object({
    sub: z.string().describe("Your user identifier at the identity provider."),
    client_id: z.string().describe("The MCP client that made this call."),
    scopes: z.array(z.string()).describe("Scopes granted to the client for this server."),
    expires_at: z.string().describe("When the client's access token expires (ISO 8601)."),
    authentication: z.enum(["oauth", "disabled"]),
  }),
  annotations: { title: "Who am I", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  requiredScopes: [],
  async run(_input, { caller }) {
    const expiresAt = new Date(caller.expiresAt * 1000).toISOString();
    const scopes = [...caller.scopes];
    return {
      structured: { sub: caller.sub, client_id: caller.clientId, scopes, expires_at: expiresAt, authentication: caller.authDisabled ? ("disabled" as const) : ("oauth" as const) },
      text:
        `You are ${caller.sub}, using client ${caller.clientId}. ` +
        `Granted scopes: ${scopes.join(", ") || "none"}. Access token expires at ${expiresAt}.` +
        (caller.authDisabled ? " Authentication is DISABLED on this test instance." : ""),
    };
  },
});
