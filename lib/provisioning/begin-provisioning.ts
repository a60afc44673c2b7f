/**
 * "Continue" on the provisioning page (Flow 2, step 2): consume the
 * single-use provisioning request, remember the flow server-side, and send
 * the browser to the IdP's authorization endpoint as this server's
 * confidential client:
 *
 * - PKCE S256 (RFC 7636; OAuth 2.1 §4.1.1), `state` (RFC 6749 §10.12) and
 *   `nonce` (OIDC Core §3.1.2.1), all fresh and random;
 * - resource = Nextcloud (RFC 8707);
 * - scope = what the person chose on the provisioning page (the tool's
 *   needed scopes ∪ the offered ones left ticked; provisioning-choices.ts)
 *   ∪ what the user granted before (incremental consent keeps earlier
 *   scopes) ∪ `offline_access` (the refresh token the background path
 *   needs) ∪ `openid` (the ID token whose `sub` proves who consented) ∪
 *   `profile email` (the identity claims Nextcloud's user_oidc maps the
 *   account from; the page says so, and the token exchange passes them on:
 *   lib/idp/grants/token-exchange.ts);
 * - prompt=consent: OIDC Core §11 requires it for offline_access (and
 *   oidc-provider drops offline_access without it). The provisioning page
 *   *is* that consent: the built-in IdP does not show a second screen for
 *   this request (lib/idp/first-party-consent.ts), but it still signs the
 *   person in and the callback still checks the `sub`.
 */
import * as oidc from "openid-client";
import { formatScope } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { idpClient } from "@/lib/oidc/idp-client";
import { callbackUrls } from "@/lib/oidc/server-client";
import { getGrant } from "./grant-store";
import { chosenScopes, PROVISIONING_OIDC_SCOPES } from "./provisioning-choices";
import { nextcloudResourceParameter } from "./nextcloud-resource";
import { consumeProvisioningRequest, ProvisioningLinkError, readProvisioningRequest } from "./provisioning-link";
import type { ProvisioningResult } from "./provisioning-result";
import { createProvisioningSession } from "./provisioning-sessions";

export type BeginOutcome = { ok: true; authorizationUrl: string } | { ok: false; result: ProvisioningResult };

const LINK_RESULT = { invalid: "link_invalid", expired: "link_expired", used: "link_used" } as const;

/** `ticked`: the `scope` fields of the provisioning form (ticked boxes). */
export async function beginProvisioning(requestValue: unknown, ticked: readonly unknown[] = []): Promise<BeginOutcome> {
  let request;
  try {
    request = await readProvisioningRequest(requestValue);
  } catch (error) {
    if (error instanceof ProvisioningLinkError) return { ok: false, result: { kind: LINK_RESULT[error.reason] } };
    throw error;
  }
  // Before the link is used up: with the IdP down, the person can simply retry it.
  let client: oidc.Configuration;
  try {
    client = await idpClient();
  } catch {
    return { ok: false, result: { kind: "unavailable" } };
  }
  const existing = await getGrant(request.sub, getConfig().NEXTCLOUD_AUDIENCE);
  const kept = existing?.active ? existing.scopes : [];
  const scopes = chosenScopes({ needed: request.needed, offered: request.offered, kept }, ticked);
  // Everything unticked (and nothing needed): nothing to ask for; the link stays usable. In app-password mode a
  // grant without a connected Nextcloud account still has something to do: the sign-in continues to Login Flow v2.
  const accountMissing = getConfig().NEXTCLOUD_AUTH === "app-password" && existing?.active === true && !existing.nextcloudLoginName;
  if (!accountMissing && scopes.every((s) => kept.includes(s))) return { ok: false, result: { kind: "nothing_chosen", tool: request.tool } };
  try {
    await consumeProvisioningRequest(request);
  } catch (error) {
    if (error instanceof ProvisioningLinkError) return { ok: false, result: { kind: LINK_RESULT[error.reason] } };
    throw error;
  }

  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  await createProvisioningSession({ state, nonce, codeVerifier, userId: request.sub, clientId: request.clientId, tool: request.tool, scopes });

  const resource = nextcloudResourceParameter();
  const url = oidc.buildAuthorizationUrl(client, {
    redirect_uri: callbackUrls().provisioning,
    scope: formatScope([...PROVISIONING_OIDC_SCOPES, ...scopes]),
    ...(resource ? { resource } : {}),
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    prompt: "consent",
  });
  return { ok: true, authorizationUrl: url.href };
}
