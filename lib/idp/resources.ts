/**
 * The two protected resources the built-in IdP issues tokens for (RFC 8707):
 *
 * - MCP: indicator and audience MCP_AUDIENCE (default `${APP_URL}/api/mcp`),
 *   scopes resourceScopes("mcp"). Any allowed client may ask for it.
 * - Nextcloud: audience NEXTCLOUD_AUDIENCE (default "nextcloud"). RFC 8707 §2
 *   requires an absolute URI as indicator, so when the audience is not one,
 *   the indicator is `urn:nextcloud-mcp:resource:<audience>`
 *   (`nextcloudResourceIndicator()`); the token's `aud` is the audience.
 *
 * Who may ask for Nextcloud: only this server's own client (OIDC_CLIENT_ID,
 * Flow 2 provisioning), except in hybrid mode (ENABLE_PROGRESSIVE_CONSENT=false)
 * where an MCP client's consent may also grant Nextcloud scopes. Everyone else
 * gets `invalid_target`: an MCP client never holds a Nextcloud token.
 */
import { getConfig } from "@/lib/config";
import { resourceScopes, type ResourceKind } from "@/lib/auth/scopes";

export function mcpResourceIndicator(): string {
  return getConfig().MCP_AUDIENCE;
}

export function nextcloudResourceIndicator(): string {
  const audience = getConfig().NEXTCLOUD_AUDIENCE;
  return URL.canParse(audience) && /^[a-z][a-z0-9+.-]*:/i.test(audience) ? audience : `urn:nextcloud-mcp:resource:${audience}`;
}

export function resourceKind(indicator: string): ResourceKind | undefined {
  if (indicator === mcpResourceIndicator()) return "mcp";
  if (indicator === nextcloudResourceIndicator()) return "nextcloud";
  return undefined;
}

/** May this client obtain tokens for this kind of resource? */
export function clientMayUseResource(clientId: string, kind: ResourceKind): boolean {
  if (kind === "mcp") return true;
  const config = getConfig();
  return clientId === config.OIDC_CLIENT_ID || !config.ENABLE_PROGRESSIVE_CONSENT;
}

export interface ResourceServerDescription {
  kind: ResourceKind;
  scope: string;
  audience: string;
  accessTokenTTL: number;
  accessTokenFormat: "jwt";
}

/** What oidc-provider's getResourceServerInfo returns; undefined = not a resource of ours (or not for this client). */
export function describeResource(indicator: string, clientId: string): ResourceServerDescription | undefined {
  const kind = resourceKind(indicator);
  if (!kind || !clientMayUseResource(clientId, kind)) return undefined;
  const config = getConfig();
  return {
    kind,
    scope: resourceScopes(kind).join(" "),
    audience: kind === "mcp" ? config.MCP_AUDIENCE : config.NEXTCLOUD_AUDIENCE,
    accessTokenTTL: config.ACCESS_TOKEN_TTL,
    accessTokenFormat: "jwt",
  };
}
