/**
 * Revokes a user's Nextcloud grant: first at the IdP (RFC 7009 token
 * revocation of the refresh token — oidc-provider then drops the whole IdP
 * grant, so the next token exchange fails closed), then here (the row is
 * deleted). Idempotent: no grant → "nothing to revoke".
 *
 * This is the one action outside the background job runner that decrypts the
 * stored refresh token: RFC 7009 §2.1 revokes by presenting the token itself,
 * and only its owner, asking explicitly, triggers it. It goes through
 * withRefreshToken, so a concurrent background refresh finishes first and
 * the token revoked is the current one.
 *
 * No partial state: unless the IdP confirms there is nothing left to revoke,
 * the grant stays as it was, the failure is audited (outcome error, atIdp
 * false) and the caller is told (deleting it here while the IdP still
 * honours the token would leave a live grant nobody can see or revoke).
 * What counts as "nothing left to revoke" (NOTHING_TO_REVOKE):
 * - 200: revoked, or the token was already invalid (RFC 7009 §2.2: "invalid
 *   tokens do not cause an error response");
 * - invalid_grant / invalid_token: IdPs that do answer an error for a token
 *   that is no longer valid say that it is dead there.
 * Everything else keeps the grant: invalid_client (we could not even
 * authenticate: nothing was looked at), unsupported_token_type (RFC 7009
 * §2.2.1: the IdP does not revoke this kind of token, so it stays live),
 * invalid_request, any 5xx or no answer (retryable).
 *
 * App-password mode: the app password is deleted at Nextcloud too
 * (`DELETE /ocs/v2.php/core/apppassword`, authenticated with itself), after
 * the IdP and before the row goes. If Nextcloud cannot be reached, the grant
 * is still deleted here (the app password is never used again) and the app
 * password is queued sealed for a later deletion
 * (pending-app-password-revocations.ts): the outcome says `nextcloud:
 * "pending"` so the person is told to remove it under Settings → Security.
 *
 * Once the grant is gone, the user's background jobs stop and everything
 * they indexed is deleted (lib/search/sync-job-state.ts, stopUserSync).
 */
import * as oidc from "openid-client";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { clearExchangeCache } from "@/lib/cache/exchange-cache";
import { classifyIdpError, IdpRefusedError, IdpUnreachableError } from "@/lib/oidc/idp-errors";
import { getConfig } from "@/lib/config";
import { idpClient } from "@/lib/oidc/idp-client";
import { stopUserSync } from "@/lib/search/sync-job-state";
import { deleteGrant, getGrant, GrantNotFoundError, GrantRevokedError } from "./grant-store";
import { withRefreshToken } from "./with-refresh-token";
import { readAppPassword } from "./app-password-store";
import { queueAppPasswordRevocation } from "./pending-app-password-revocations";
import { nextcloudBaseUrl } from "@/lib/nextcloud/nextcloud-base-url";
import { deleteAppPassword } from "@/lib/nextcloud/login-flow-v2";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";

/** IdP refusals that mean the refresh token is already dead at the IdP (see above). */
const NOTHING_TO_REVOKE = new Set(["invalid_grant", "invalid_token"]);

/** nextcloud: what happened to a stored app password (app-password mode); "none" when there was none. */
export type RevokeOutcome = { revoked: true; scopes: string[]; atIdp: boolean; nextcloud: "none" | "deleted" | "pending"; nextcloudAccount?: string } | { revoked: false };

export async function revokeNextcloudGrant(input: { userId: string; clientId?: string }): Promise<RevokeOutcome> {
  const audience = getConfig().NEXTCLOUD_AUDIENCE;
  const grant = await getGrant(input.userId, audience);
  if (!grant) return { revoked: false };

  let atIdp = false;
  if (grant.active) {
    try {
      await withRefreshToken(input.userId, audience, async (refreshToken) => {
        try {
          await oidc.tokenRevocation(await idpClient(), refreshToken, { token_type_hint: "refresh_token" });
        } catch (error) {
          const classified = classifyIdpError(error);
          if (!(classified instanceof IdpRefusedError && NOTHING_TO_REVOKE.has(classified.error))) throw classified;
        }
        atIdp = true;
        return { value: undefined };
      });
    } catch (error) {
      // Revoked or deleted meanwhile: nothing left at the IdP to revoke, go on to the deletion.
      if (!(error instanceof GrantRevokedError || error instanceof GrantNotFoundError)) {
        const reason = error instanceof IdpRefusedError ? error.error : error instanceof IdpUnreachableError ? "idp_unreachable" : "internal_error";
        await recordAuditEvent({ event: "revoked", outcome: "error", userId: input.userId, clientId: input.clientId, scopes: grant.scopes, detail: { atIdp: false, by: "user", reason } });
        throw error;
      }
    }
  }
  const appPassword = await readAppPassword(input.userId, audience);
  let nextcloud: "none" | "deleted" | "pending" = "none";
  if (appPassword) {
    try {
      await deleteAppPassword(nextcloudBaseUrl(), appPassword.loginName, appPassword.appPassword);
      nextcloud = "deleted";
    } catch (error) {
      if (!(error instanceof NextcloudRequestError)) throw error;
      await queueAppPasswordRevocation(input.userId, appPassword.loginName, appPassword.appPassword);
      nextcloud = "pending";
    }
  }
  const deleted = await deleteGrant(input.userId, audience);
  clearExchangeCache();
  await stopUserSync(input.userId);
  if (!deleted && !atIdp) return { revoked: false };
  await recordAuditEvent({ event: "revoked", outcome: "success", userId: input.userId, clientId: input.clientId, scopes: grant.scopes, detail: { atIdp, by: "user", ...(appPassword ? { nextcloud } : {}) } });
  return { revoked: true, scopes: grant.scopes, atIdp, nextcloud, ...(appPassword ? { nextcloudAccount: appPassword.loginName } : {}) };
}
