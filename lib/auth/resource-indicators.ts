/**
 * The RFC 8707 resource indicators the built-in IdP knows the two resources
 * by (lib/idp/resources.ts describes them to oidc-provider): the MCP server is
 * its audience; Nextcloud is its audience when that is an absolute URI, else
 * `urn:nextcloud-mcp:resource:<audience>`. Here, below both the IdP and
 * provisioning, because both name the resources.
 */
import { getConfig } from "@/lib/config";

export function mcpResourceIndicator(): string {
  return getConfig().MCP_AUDIENCE;
}

export function nextcloudResourceIndicator(): string {
  const audience = getConfig().NEXTCLOUD_AUDIENCE;
  return URL.canParse(audience) && /^[a-z][a-z0-9+.-]*:/i.test(audience) ? audience : `urn:nextcloud-mcp:resource:${audience}`;
}
