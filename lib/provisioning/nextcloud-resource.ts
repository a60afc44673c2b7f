/**
 * How this server names Nextcloud when it asks the IdP for access (Flow 2)
 * and when it checks what came back.
 *
 * - The built-in IdP knows Nextcloud as an RFC 8707 resource indicator
 *   (lib/auth/resource-indicators.ts: the audience itself when it is an absolute URI,
 *   else `urn:nextcloud-mcp:resource:<audience>`).
 * - An external IdP is asked with the audience as `resource` when it is an
 *   absolute URI (RFC 8707 §2 demands one); otherwise without a resource (its
 *   own configuration maps the mcp-server client to Nextcloud).
 */
import { getConfig } from "@/lib/config";
import { nextcloudResourceIndicator } from "@/lib/auth/resource-indicators";

const isAbsoluteUri = (value: string) => URL.canParse(value) && /^[a-z][a-z0-9+.-]*:/i.test(value);

export function nextcloudResourceParameter(): string | undefined {
  const config = getConfig();
  if (config.BUILTIN_IDP) return nextcloudResourceIndicator();
  return isAbsoluteUri(config.NEXTCLOUD_AUDIENCE) ? config.NEXTCLOUD_AUDIENCE : undefined;
}
