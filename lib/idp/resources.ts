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
 * Scopes: the catalogue's resource scopes, narrowed at start-up to the ones
 * some tool uses (setOfferedResourceScopes, called by lib/server/start-server.ts
 * with lib/mcp/offered-scopes.ts: lib/idp imports no tool). oidc-provider then
 * ignores any other requested scope for the resource: it is never prompted for,
 * granted, or put in a token. Until set (in-process tests), the whole catalogue.
 *
 * Who may ask for Nextcloud: only this server's own client (OIDC_CLIENT_ID,
 * Flow 2 provisioning), except in hybrid mode (ENABLE_PROGRESSIVE_CONSENT=false)
 * where an MCP client's consent may also grant Nextcloud scopes. Everyone else
 * gets `invalid_target`: an MCP client never holds a Nextcloud token.
 */
import { getConfig } from "@/lib/config";
import { mcpResourceIndicator, nextcloudResourceIndicator } from "@/lib/auth/resource-indicators";
import { resourceScopes, type ResourceKind } from "@/lib/auth/scopes";
import { processWide } from "@/lib/process-wide";

/** Unset (undefined) until start-up narrows the catalogue. */
const offeredScopes = () => processWide("idp-offered-resource-scopes", () => ({ set: undefined as ReadonlySet<string> | undefined }));

/** The resource scopes this deployment's tools use; every other catalogue scope is refused as a resource scope. */
export function setOfferedResourceScopes(scopes: readonly string[]): void {
  offeredScopes().set = new Set(scopes);
}

/** A resource's scopes: the catalogue's, narrowed to the offered ones once they are set. */
export function resourceScopesOffered(kind: ResourceKind): string[] {
  const offered = offeredScopes().set;
  return resourceScopes(kind).filter((s) => !offered || offered.has(s));
}

export { mcpResourceIndicator, nextcloudResourceIndicator };

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
    scope: resourceScopesOffered(kind).join(" "),
    audience: kind === "mcp" ? config.MCP_AUDIENCE : config.NEXTCLOUD_AUDIENCE,
    accessTokenTTL: config.ACCESS_TOKEN_TTL,
    accessTokenFormat: "jwt",
  };
}
