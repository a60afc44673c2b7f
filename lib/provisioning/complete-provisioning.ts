/**
 * The provisioning callback (Flow 2, step 3), as an ordered list of checks.
 * Nothing is stored unless every one passes:
 *
 * 1. `state` names a provisioning session that is unused and unexpired; it is
 *    consumed at once (single use, RFC 6749 §10.12).
 * 2. An error answer from the IdP (RFC 6749 §4.1.2.1, e.g. access_denied)
 *    ends the flow with a readable page.
 * 3. The code is exchanged (RFC 6749 §4.1.3) with the PKCE verifier (RFC 7636
 *    §4.5); openid-client checks `iss` (RFC 9207), `state`, and the ID token:
 *    signature (non-repudiation checks on), issuer, audience, expiry and
 *    `nonce` (OIDC Core §3.1.3.7).
 * 4. The ID token's `sub` must be the user the provisioning link was made
 *    for: a link from Alice's client can never provision Bob. On a mismatch
 *    nothing is stored; the refresh token just issued is revoked at the IdP
 *    (RFC 7009) unless the signed-in user already has a grant of their own
 *    (revoking would take the IdP grant it shares down with it).
 * 5. The refresh token is stored encrypted (saveGrant: scopes merge with what
 *    was granted before), with the scopes the IdP actually granted (RFC 6749
 *    §5.1 `scope`), and audited.
 */
import { decodeJwt } from "jose";
import * as oidc from "openid-client";
import { missingScopes, parseScope, resourceScopes } from "@/lib/auth/scopes";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { classifyIdpError, IdpRefusedError } from "@/lib/oidc/idp-errors";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { idpClient } from "@/lib/oidc/idp-client";
import { callbackUrls } from "@/lib/oidc/server-client";
import { getGrant } from "./grant-store";
import { nextcloudResourceParameter } from "./nextcloud-resource";
import type { ProvisioningResult } from "./provisioning-result";
import { consumeProvisioningSession } from "./provisioning-sessions";
import { saveProvisionedGrant } from "./save-provisioned-grant";

const STATE_RESULT = { unknown: "state_unknown", used: "state_used", expired: "state_expired" } as const;
const OAUTH_ERROR = /^[a-z_]{1,64}$/;

/** `search` is the callback's query string, as the browser brought it. */
export async function completeProvisioning(search: string): Promise<ProvisioningResult> {
  return (await completeProvisioningWithIdentity(search)).result;
}

export interface CompletedProvisioning {
  result: ProvisioningResult;
  /** When provisioned: the verified ID token's claims (app-password mode maps the Nextcloud account from them). */
  claims?: Record<string, unknown>;
  clientId?: string | null;
  userId?: string;
}

/** completeProvisioning, also giving the verified ID token's claims on success. */
export async function completeProvisioningWithIdentity(search: string): Promise<CompletedProvisioning> {
  const done = (result: ProvisioningResult): CompletedProvisioning => ({ result });
  const params = new URLSearchParams(search);
  const state = params.get("state");
  if (!state || state.length > 512) return done({ kind: "state_unknown" });
  const consumed = await consumeProvisioningSession(state);
  if (!consumed.ok) return done({ kind: STATE_RESULT[consumed.reason] });
  const session = consumed.session;

  const error = params.get("error");
  if (error !== null) {
    if (error === "access_denied") return done({ kind: "denied" });
    return done({ kind: "idp_error", error: OAUTH_ERROR.test(error) ? error : "invalid_request" });
  }

  let client: oidc.Configuration;
  try {
    client = await idpClient();
  } catch {
    return done({ kind: "unavailable" });
  }
  // OIDC Core §3.1.3.7 step 6 allows skipping the signature for TLS-fetched ID tokens; we verify it anyway.
  oidc.enableNonRepudiationChecks(client);

  const callback = new URL(callbackUrls().provisioning);
  callback.search = search;
  const resource = nextcloudResourceParameter();
  let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  try {
    tokens = await oidc.authorizationCodeGrant(
      client,
      callback,
      { pkceCodeVerifier: session.codeVerifier, expectedState: state, expectedNonce: session.nonce, idTokenExpected: true },
      resource ? { resource } : undefined,
    );
  } catch (caught) {
    const classified = classifyIdpError(caught);
    if (classified instanceof IdpRefusedError) {
      log.warn("provisioning: the code could not be exchanged", { error: classified.error });
      return done({ kind: "failed" });
    }
    // classifyIdpError treats anything that is not an OAuth error as transport trouble;
    // openid-client's own validation failures (iss, nonce, signature) land here too.
    log.warn("provisioning: the token response was not accepted", { reason: caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught) });
    return done({ kind: (caught as { code?: unknown })?.code === undefined ? "unavailable" : "failed" });
  }

  const audience = getConfig().NEXTCLOUD_AUDIENCE;
  const sub = tokens.claims()?.sub;
  if (sub !== session.userId) {
    await discardForeignTokens(client, tokens.refresh_token, sub, audience);
    await recordAuditEvent({ event: "provisioned", outcome: "denied", userId: session.userId, clientId: session.clientId, scopes: session.scopes, detail: { reason: "wrong_account" } });
    return done({ kind: "wrong_account" });
  }
  if (!tokens.refresh_token) {
    log.error("provisioning: the identity provider issued no refresh token (offline_access not granted?)");
    return done({ kind: "failed" });
  }

  const nextcloudScopes = new Set(resourceScopes("nextcloud"));
  const granted = (tokens.scope === undefined ? session.scopes : parseScope(tokens.scope)).filter((s) => nextcloudScopes.has(s));
  if (granted.length === 0) return done({ kind: "denied" });

  const saved = await saveProvisionedGrant(
    {
      userId: session.userId,
      audience,
      flowType: "flow2",
      scopes: granted,
      clientId: session.clientId,
      idpGrantId: idpGrantIdOf(tokens.access_token),
      refreshToken: tokens.refresh_token,
    },
    { reportRenewal: true },
  );
  return {
    result: {
      kind: "provisioned",
      scopes: saved.grant.scopes,
      added: saved.addedScopes,
      missing: missingScopes(session.scopes, saved.grant.scopes),
      ...(session.tool ? { tool: session.tool } : {}),
    },
    claims: tokens.claims() as Record<string, unknown> | undefined,
    clientId: session.clientId,
    userId: session.userId,
  };
}

/** The IdP grant behind the token (the built-in IdP puts it in `gid`); for revocation bookkeeping only. */
function idpGrantIdOf(accessToken: string): string | undefined {
  try {
    const gid = decodeJwt(accessToken).gid;
    return typeof gid === "string" && gid.length > 0 && gid.length <= 255 ? gid : undefined;
  } catch {
    return undefined;
  }
}

async function discardForeignTokens(client: oidc.Configuration, refreshToken: string | undefined, sub: string | undefined, audience: string): Promise<void> {
  log.warn("provisioning refused: the signed-in account is not the one the link was made for");
  if (!refreshToken || !sub) return;
  const own = await getGrant(sub, audience);
  if (own?.active) return;
  try {
    await oidc.tokenRevocation(client, refreshToken, { token_type_hint: "refresh_token" });
  } catch (error) {
    log.warn("could not revoke the refresh token of a refused provisioning", { reason: classifyIdpError(error).message });
  }
}
