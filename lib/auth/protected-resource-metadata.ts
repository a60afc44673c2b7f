/**
 * Protected Resource Metadata (RFC 9728) of the MCP endpoint. Served at the
 * path-inserted location `/.well-known/oauth-protected-resource/api/mcp`
 * (RFC 9728 §3.1, what MCP clients derive from the endpoint URL) and at the
 * root location for clients that only try that.
 */
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

/**
 * `scopesSupported`: what a client should request (lib/mcp/offered-scopes.ts,
 * passed in so that lib/auth imports no tool). MCP 2025-11-25 clients without
 * a challenge `scope` request every scope listed here, so the list holds
 * openid and offline_access besides the tool scopes (RFC 9728 §2: "scope
 * values … used in authorization requests to request access to this resource").
 */
export function protectedResourceMetadata(config: Pick<Config, "APP_URL" | "MCP_URL" | "ISSUER">, scopesSupported: readonly string[]): ProtectedResourceMetadata {
  return {
    // RFC 9728 §3.3: must equal the resource identifier clients use, exactly (no trailing slash).
    resource: config.MCP_URL,
    authorization_servers: [config.ISSUER],
    scopes_supported: [...scopesSupported],
    // RFC 6750 §2.1 only: query and body tokens are refused.
    bearer_methods_supported: ["header"],
    resource_name: "Nextcloud MCP server",
    resource_documentation: config.APP_URL,
  };
}
