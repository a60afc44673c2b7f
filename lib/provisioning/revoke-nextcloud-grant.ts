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
 * No partial state: if the IdP cannot be reached, the grant stays as it was
 * and the caller is told to try again (deleting it here while the IdP still
 * honours it would leave a live grant nobody can see or revoke).
 */
import * as oidc from "openid-client";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { clearExchangeCache } from "@/lib/broker/exchange-cache";
import { classifyIdpError, IdpRefusedError } from "@/lib/broker/idp-errors";
import { getConfig } from "@/lib/config";
import { idpClient } from "@/lib/broker/idp-client";
import { deleteGrant, getGrant, GrantNotFoundError, GrantRevokedError } from "./grant-store";
import { withRefreshToken } from "./with-refresh-token";

export type RevokeOutcome = { revoked: true; scopes: string[]; atIdp: boolean } | { revoked: false };

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
          // RFC 7009 §2.2: an invalid token is answered 200; a refusal (e.g. unsupported_token_type) leaves nothing to revoke there.
          if (!(classified instanceof IdpRefusedError)) throw classified;
        }
        atIdp = true;
        return { value: undefined };
      });
    } catch (error) {
      // Revoked or deleted meanwhile: nothing left at the IdP to revoke.
      if (!(error instanceof GrantRevokedError || error instanceof GrantNotFoundError)) throw error;
    }
  }
  const deleted = await deleteGrant(input.userId, audience);
  clearExchangeCache();
  if (!deleted && !atIdp) return { revoked: false };
  await recordAuditEvent({ event: "revoked", outcome: "success", userId: input.userId, clientId: input.clientId, scopes: grant.scopes, detail: { atIdp, by: "user" } });
  return { revoked: true, scopes: grant.scopes, atIdp };
}
