/**
 * Clients the operator configures rather than registers:
 *
 * - this server's own confidential client (OIDC_CLIENT_ID, "mcp-server"):
 *   client_secret_basic with OIDC_CLIENT_SECRET or a generated secret stored
 *   sealed; redirect URI `${APP_URL}/oauth/callback-nextcloud` (Flow 2); the
 *   only client allowed the token-exchange grant;
 * - ALLOWED_MCP_CLIENTS: public clients (PKCE, no secret), loopback redirect
 *   URIs match on any port (RFC 8252 §7.3).
 */
import { randomBytes } from "node:crypto";
import type { ClientMetadata } from "oidc-provider";
import { preregisteredClients, recordClient } from "@/lib/auth/client-registry";
import { getConfig } from "@/lib/config";
import { TOKEN_EXCHANGE_GRANT } from "./client-metadata-policy";
import { getOrCreateSealedSetting } from "./sealed-settings";

export const INTERNAL_CLIENT_SECRET_SETTING = "idp.internal-client-secret";
export const NEXTCLOUD_CALLBACK_PATH = "/oauth/callback-nextcloud";
export const DASHBOARD_CALLBACK_PATH = "/api/auth/callback/idp";

/** The secret of this server's own client at the built-in IdP (the broker authenticates with it). */
export async function internalClientSecret(): Promise<string> {
  const configured = getConfig().OIDC_CLIENT_SECRET;
  if (configured) return configured;
  return getOrCreateSealedSetting(INTERNAL_CLIENT_SECRET_SETTING, () => randomBytes(32).toString("base64url"));
}

export function internalClientMetadata(secret: string): ClientMetadata {
  const config = getConfig();
  return {
    client_id: config.OIDC_CLIENT_ID,
    client_secret: secret,
    client_name: "nextcloud-mcp (this server)",
    token_endpoint_auth_method: "client_secret_basic",
    grant_types: ["authorization_code", "refresh_token", TOKEN_EXCHANGE_GRANT],
    response_types: ["code"],
    // Flow 2 provisioning, and the dashboard's sign-in (next-auth callback of provider "idp").
    redirect_uris: [`${config.APP_URL}${NEXTCLOUD_CALLBACK_PATH}`, `${config.APP_URL}${DASHBOARD_CALLBACK_PATH}`],
    post_logout_redirect_uris: [`${config.APP_URL}/`],
  };
}

export function preregisteredClientMetadata(): ClientMetadata[] {
  const internalId = getConfig().OIDC_CLIENT_ID;
  return preregisteredClients()
    .filter((c) => c.clientId !== internalId && c.redirectUris.length > 0)
    .map((c) => ({
      client_id: c.clientId,
      client_name: c.clientId,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: c.redirectUris,
    }));
}

/** Records the configured clients in the client registry (so they can be listed and disabled). */
export async function recordStaticClients(clients: readonly ClientMetadata[]): Promise<void> {
  const internalId = getConfig().OIDC_CLIENT_ID;
  for (const c of clients) {
    await recordClient({
      clientId: c.client_id,
      kind: c.client_id === internalId ? "internal" : "preregistered",
      name: c.client_name ?? c.client_id,
      redirectUris: [...(c.redirect_uris ?? [])],
    });
  }
}
