/**
 * One screen per decision: the provisioning page is the consent for this
 * server's Nextcloud access, so the built-in IdP does not ask a second time
 * when that page's "Continue" brings the person here. The rule, in order —
 * every condition must hold, otherwise the IdP's own consent screen is shown
 * as for any client:
 *
 * 1. The client is this server's own confidential client (OIDC_CLIENT_ID,
 *    first party, lib/idp/static-clients.ts). DCR and CIMD clients always
 *    see the consent screen.
 * 2. The redirect URI is the provisioning callback, and the only resource
 *    requested is Nextcloud (RFC 8707).
 * 3. The person is signed in (the login prompt comes first, as always), and
 *    the request's `state` names a pending provisioning session (created by
 *    "Continue", unused, unexpired: lib/provisioning/provisioning-sessions.ts)
 *    made for this very account. A state is 43 random characters known only
 *    to the browser that pressed Continue, and a session bound to another
 *    `sub` gets the consent screen (the callback then refuses it anyway).
 * 4. Every requested Nextcloud scope is one the person chose on the page
 *    (the session's scopes), and the OIDC scopes are the ones provisioning
 *    always asks for (openid, profile, email, offline_access; the page says so).
 *
 * Then `loadExistingGrant` records those scopes in the person's grant for
 * this client — oidc-provider's documented way to skip consent for a first
 * party (configuration `loadExistingGrant`) — and the requestable consent
 * check (`prompt=consent`, still sent: OIDC Core §11 and oidc-provider tie
 * offline_access to it) and the native-client check count as answered.
 */
import type { Grant, KoaContextWithOIDC } from "oidc-provider";
import { interactionPolicy } from "oidc-provider";
import { getConfig } from "@/lib/config";
import { PROVISIONING_OIDC_SCOPES } from "@/lib/provisioning/provisioning-choices";
import { findPendingProvisioningSession } from "@/lib/provisioning/provisioning-sessions";
import { nextcloudResourceIndicator } from "./resources";
import { NEXTCLOUD_CALLBACK_PATH } from "./static-clients";

type Policy = ReturnType<typeof interactionPolicy.base>;

/** Requests this module found consented on the provisioning page (per request context). */
const consented = new WeakSet<object>();

interface OidcRequest {
  client?: { clientId: string };
  session?: { accountId?: string };
  params?: Record<string, unknown>;
  resourceServers?: Record<string, unknown>;
  requestParamScopes?: Set<string>;
  requestParamOIDCScopes?: Set<string>;
}

/** The scopes consented on the provisioning page for this authorization request, or undefined (see the file comment). */
async function provisioningConsent(ctx: KoaContextWithOIDC): Promise<{ oidcScopes: string[]; nextcloudScopes: string[] } | undefined> {
  const config = getConfig();
  const oidc = ctx.oidc as unknown as OidcRequest;
  if (oidc.client?.clientId !== config.OIDC_CLIENT_ID) return undefined;
  if (oidc.params?.redirect_uri !== `${config.APP_URL}${NEXTCLOUD_CALLBACK_PATH}`) return undefined;
  const accountId = oidc.session?.accountId;
  const state = oidc.params?.state;
  if (!accountId || typeof state !== "string") return undefined;
  const indicator = nextcloudResourceIndicator();
  const resources = Object.keys(oidc.resourceServers ?? {});
  if (resources.length !== 1 || resources[0] !== indicator) return undefined;

  const pending = await findPendingProvisioningSession(state);
  if (!pending || pending.userId !== accountId) return undefined;
  const oidcScopes = [...(oidc.requestParamOIDCScopes ?? [])];
  const nextcloudScopes = [...(oidc.requestParamScopes ?? [])].filter((s) => !oidcScopes.includes(s));
  const allowedOidc = new Set<string>(PROVISIONING_OIDC_SCOPES);
  if (!oidcScopes.every((s) => allowedOidc.has(s))) return undefined;
  const chosen = new Set(pending.scopes);
  if (nextcloudScopes.length === 0 || !nextcloudScopes.every((s) => chosen.has(s))) return undefined;
  return { oidcScopes, nextcloudScopes };
}

/**
 * Called from `loadExistingGrant` with the grant found for the person and
 * client: when the provisioning page was the consent, that grant (or a new
 * one) gains exactly the chosen scopes and is saved.
 */
export async function withProvisioningConsent(ctx: KoaContextWithOIDC, existing: Grant | undefined): Promise<Grant | undefined> {
  const consent = await provisioningConsent(ctx);
  if (!consent) return existing;
  const accountId = ctx.oidc.session!.accountId!;
  const grant = existing ?? new ctx.oidc.provider.Grant({ accountId, clientId: ctx.oidc.client!.clientId });
  grant.addOIDCScope(consent.oidcScopes.join(" "));
  grant.addResourceScope(nextcloudResourceIndicator(), consent.nextcloudScopes.join(" "));
  await grant.save();
  consented.add(ctx);
  return grant;
}

/**
 * oidc-provider's interaction policy with two consent checks treating a
 * provisioning consent as the answer: the requestable one ("prompt=consent
 * was asked and not yet answered") and "native clients always consent"
 * (RFC 8252 §8.6: anyone can claim a loopback redirect — this server's
 * client may have one on a loopback APP_URL, but it is confidential, so a
 * code is useless without its secret, and the state binds the request to the
 * signed-in person). Every other check stays as oidc-provider defines it.
 */
export function firstPartyConsentPolicy(): Policy {
  const policy = interactionPolicy.base();
  const checks = policy.get("consent")!.checks;
  for (const reason of ["consent_prompt", "native_client_prompt"]) {
    const original = checks.get(reason)!;
    checks[checks.indexOf(original)] = new interactionPolicy.Check(original.reason, original.description, original.error ?? "consent_required", async (ctx: KoaContextWithOIDC) => {
      if (consented.has(ctx)) return false;
      return original.check(ctx);
    });
  }
  return policy;
}
