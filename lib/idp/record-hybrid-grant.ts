/**
 * Hybrid mode (ENABLE_PROGRESSIVE_CONSENT=false): the MCP client's consent
 * screen at the built-in IdP also grants this server the Nextcloud scopes the
 * client asked for, in the same click — and the grant is stored right then,
 * exactly as Flow 2 would store it, only with flow_type "hybrid":
 *
 * - the IdP grant of this server's own client (OIDC_CLIENT_ID) for the user
 *   gains the Nextcloud scopes (plus openid offline_access), so the token
 *   exchange policy finds them the same way as after Flow 2;
 * - a refresh token on that grant is issued to this server in-process (the
 *   person is consenting at this very IdP; there is no second redirect to make)
 *   and stored encrypted through saveGrant.
 *
 * Tools then work without a separate provisioning step; every tool call still
 * exchanges a session token, and revoke_nextcloud_access revokes this refresh
 * token at the IdP (RFC 7009), which drops the IdP grant.
 *
 * The consent handler (lib/idp/interactions.ts) calls hybridNextcloudScopes to
 * show the extra scopes and recordHybridGrant after the person allowed.
 */
import { parseScope, resourceScopes } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { findGrantIds } from "@/lib/idp/prisma-adapter";
import { getProvider } from "@/lib/idp/provider";
import { nextcloudResourceIndicator } from "@/lib/idp/resources";
import type { SaveGrantResult } from "@/lib/provisioning/grant-store";
import { saveProvisionedGrant } from "@/lib/provisioning/save-provisioned-grant";

/** The Nextcloud scopes a Flow 1 consent also grants in hybrid mode; [] in progressive mode. */
export function hybridNextcloudScopes(request: { params: Record<string, unknown> }): string[] {
  const config = getConfig();
  if (config.ENABLE_PROGRESSIVE_CONSENT || !config.BUILTIN_IDP) return [];
  if (request.params.client_id === config.OIDC_CLIENT_ID) return []; // Flow 2 itself
  const nextcloud = new Set(resourceScopes("nextcloud"));
  const requested = typeof request.params.scope === "string" ? parseScope(request.params.scope) : [];
  return requested.filter((s) => nextcloud.has(s));
}

type HybridInput = { accountId: string; clientId: string; scopes: readonly string[] };

/**
 * Never throws: the person's consent to the client stands even if storing the
 * Nextcloud grant fails; tools then fall back to the Flow 2 provisioning link.
 */
export async function recordHybridGrant(input: HybridInput): Promise<SaveGrantResult | undefined> {
  const config = getConfig();
  if (config.ENABLE_PROGRESSIVE_CONSENT || !config.BUILTIN_IDP || input.scopes.length === 0) return undefined;
  try {
    return await storeHybridGrant(input);
  } catch (error) {
    log.error("hybrid consent: the Nextcloud grant could not be stored", { reason: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

async function storeHybridGrant(input: HybridInput): Promise<SaveGrantResult> {
  const config = getConfig();
  const provider = await getProvider();
  const serverClient = await provider.Client.find(config.OIDC_CLIENT_ID);
  if (!serverClient) throw new Error(`this server's own client ${config.OIDC_CLIENT_ID} is missing at the built-in IdP`);
  const indicator = nextcloudResourceIndicator();

  const [existingId] = await findGrantIds(input.accountId, config.OIDC_CLIENT_ID);
  const existing = existingId ? await provider.Grant.find(existingId) : undefined;
  const grant = existing && existing.accountId === input.accountId ? existing : new provider.Grant({ accountId: input.accountId, clientId: config.OIDC_CLIENT_ID });
  grant.addOIDCScope("openid offline_access");
  grant.addResourceScope(indicator, input.scopes.join(" "));
  const grantId = await grant.save();
  const scopes = parseScope(grant.getResourceScope(indicator));

  const refreshToken = new provider.RefreshToken({
    accountId: input.accountId,
    client: serverClient,
    grantId,
    gty: "authorization_code",
    scope: ["openid", "offline_access", ...scopes].join(" "),
    resource: indicator,
    // Lives with the grant, not with the browser session (offline access).
    expiresWithSession: false,
    rotations: 0,
  } as never);
  const value = await refreshToken.save();

  return saveProvisionedGrant({ userId: input.accountId, audience: config.NEXTCLOUD_AUDIENCE, flowType: "hybrid", scopes, clientId: input.clientId, idpGrantId: grantId, refreshToken: value });
}
