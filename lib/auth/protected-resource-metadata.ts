/**
 * Protected Resource Metadata (RFC 9728) of the MCP endpoint. Served at the
 * path-inserted location `/.well-known/oauth-protected-resource/api/mcp`
 * (RFC 9728 §3.1, what MCP clients derive from the endpoint URL) and at the
 * root location for clients that only try that.
 */
import { mcpScopesSupported } from "@/lib/auth/scope-policy";
import type { Config } from "@/lib/config";

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ["header"];
  resource_name: string;
  resource_documentation: string;
}

/** RFC 9728 §3.1: the well-known path inserted between the host and the resource's path. */
export function resourceMetadataUrl(config: Pick<Config, "APP_URL" | "MCP_URL">): string {
  const path = new URL(config.MCP_URL).pathname;
  return `${new URL(config.APP_URL).origin}/.well-known/oauth-protected-resource${path}`;
}

export function protectedResourceMetadata(config: Pick<Config, "APP_URL" | "MCP_URL" | "ISSUER">): ProtectedResourceMetadata {
  return {
    // RFC 9728 §3.3: must equal the resource identifier clients use, exactly (no trailing slash).
    resource: config.MCP_URL,
    authorization_servers: [config.ISSUER],
    // offline_access is an OpenID Connect scope of the IdP, not a permission of this resource.
    scopes_supported: mcpScopesSupported(),
    // RFC 6750 §2.1 only: query and body tokens are refused.
    bearer_methods_supported: ["header"],
    resource_name: "Nextcloud MCP server",
    resource_documentation: config.APP_URL,
  };
}
