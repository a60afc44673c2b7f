/**
 * The background path of the token broker: a Nextcloud token for a job that
 * runs while the user is away, from the stored refresh token (refresh grant,
 * RFC 6749 §6). Only a JobContext — which only lib/jobs/run-background-job.ts
 * makes — opens it, and only for the job's own user; tool handlers cannot
 * reach it (they exchange session tokens instead, exchange-session-token.ts).
 *
 * - The grant store's withRefreshToken serialises refreshes of one grant and
 *   stores the rotated refresh token atomically (RFC 9700 §4.14.2: a reused
 *   refresh token would make the IdP revoke the whole grant).
 * - scope = exactly what the job asks for (§6: a subset of the grant), and
 *   only scopes the stored grant holds.
 * - invalid_grant: the IdP no longer honours the grant → marked revoked (the
 *   refresh token is dropped), audited, and the user must provision again.
 * - IdP unreachable → IdpUnreachableError (retryable), grant unchanged.
 *
 * backgroundAccess is what a job sends with: the background token (its
 * scopes decide which Nextcloud APIs the job reaches, api-scopes.ts) and, in
 * NEXTCLOUD_AUTH=app-password, the grant's sealed app password as the opaque
 * credential (lib/nextcloud/nextcloud-credential.ts) — decrypted only inside
 * the sender, per request, never a string in job code. The refresh grant
 * still runs in that mode: the IdP stays the authority on consent, so a grant
 * withdrawn there stops the jobs as in bearer mode. A grant revoked or
 * deleted here, or whose app password was forgotten (Nextcloud refused it),
 * gives NotProvisionedError, which stops the job (lib/jobs/run-sync-jobs.ts).
 */
import * as oidc from "openid-client";
import { formatScope, missingScopes, parseScope } from "@/lib/auth/scopes";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getConfig } from "@/lib/config";
import type { JobContext } from "@/lib/broker/job-context";
import { idpClient } from "@/lib/oidc/idp-client";
import { getGrant, GrantRevokedError } from "@/lib/provisioning/grant-store";
import { RefreshTokenRejectedError, withRefreshToken } from "@/lib/provisioning/with-refresh-token";
import { classifyIdpError, IdpRefusedError } from "@/lib/oidc/idp-errors";
import { backgroundNextcloudToken, type BackgroundNextcloudToken } from "@/lib/tokens/token-types";
import { appPasswordCredential, type NextcloudCredential } from "@/lib/nextcloud/nextcloud-credential";
import { AppPasswordMissingError, forgetAppPassword, openAppPassword } from "@/lib/provisioning/app-password-store";

/** The job needs Nextcloud access the user has not (or no longer) provisioned. */
export class NotProvisionedError extends Error {
  constructor(
    message: string,
    readonly missing: string[],
  ) {
    super(message);
    this.name = "NotProvisionedError";
  }
}

export async function backgroundToken(job: JobContext, scopes: readonly string[]): Promise<BackgroundNextcloudToken> {
  const config = getConfig();
  const audience = config.NEXTCLOUD_AUDIENCE;
  const requested = [...new Set(scopes)];
  if (requested.length === 0) throw new Error("backgroundToken needs at least one scope");

  const grant = await getGrant(job.userId, audience);
  if (!grant?.active) throw new NotProvisionedError("Nextcloud access is not provisioned for this user; they must provision it again.", requested);
  const missing = missingScopes(requested, grant.scopes);
  if (missing.length > 0) throw new NotProvisionedError(`The Nextcloud grant lacks ${formatScope(missing)}.`, missing);

  let rejected = false;
  try {
    return await withRefreshToken(job.userId, audience, async (refreshToken) => {
      let response: oidc.TokenEndpointResponse;
      try {
        response = await oidc.refreshTokenGrant(await idpClient(), refreshToken, { scope: formatScope(requested) });
      } catch (error) {
        const classified = classifyIdpError(error);
        // RFC 6749 §5.2: the refresh token is invalid, expired, revoked or reused.
        if (classified instanceof IdpRefusedError && classified.error === "invalid_grant") {
          rejected = true;
          throw new RefreshTokenRejectedError();
        }
        throw classified;
      }
      const granted = response.scope === undefined ? requested : parseScope(response.scope);
      if (granted.some((s) => !requested.includes(s))) throw new IdpRefusedError("invalid_response", "the identity provider issued more scopes than requested");
      const lifetime = response.expires_in ?? 300;
      return {
        refreshToken: response.refresh_token,
        value: backgroundNextcloudToken({ accessToken: response.access_token, audience, scopes: granted, expiresAt: new Date(Date.now() + lifetime * 1000) }),
      };
    });
  } catch (error) {
    if (error instanceof GrantRevokedError) {
      if (rejected) await recordAuditEvent({ event: "revoked", outcome: "success", userId: job.userId, scopes: grant.scopes, detail: { reason: "invalid_grant", job: job.kind } });
      throw new NotProvisionedError("The identity provider no longer accepts this Nextcloud grant; the user must provision access again.", requested);
    }
    throw error;
  }
}

/** What a background job sends to Nextcloud with (see the file comment). */
export interface BackgroundNextcloudAccess {
  token: BackgroundNextcloudToken;
  /** NEXTCLOUD_AUTH=app-password: the grant's app password, opaque. */
  credential?: NextcloudCredential;
}

const NO_ACCOUNT = "No Nextcloud account (app password) is connected for this user; they must connect it again.";

export async function backgroundAccess(job: JobContext, scopes: readonly string[]): Promise<BackgroundNextcloudAccess> {
  const config = getConfig();
  if (config.NEXTCLOUD_AUTH !== "app-password") return { token: await backgroundToken(job, scopes) };
  const audience = config.NEXTCLOUD_AUDIENCE;
  const grant = await getGrant(job.userId, audience);
  const loginName = grant?.active ? grant.nextcloudLoginName : null;
  // Checked before the refresh, so a grant without a connected account never spends a refresh token.
  if (grant?.active && !loginName) throw new NotProvisionedError(NO_ACCOUNT, [...scopes]);
  const token = await backgroundToken(job, scopes);
  if (!loginName) throw new NotProvisionedError(NO_ACCOUNT, [...scopes]);
  const userId = job.userId;
  const credential = appPasswordCredential(loginName, async () => {
    try {
      return await openAppPassword(userId, audience);
    } catch (error) {
      // Revoked, deleted or forgotten since the job started: the job stops like one whose refresh grant was revoked.
      if (error instanceof AppPasswordMissingError) throw new NotProvisionedError(NO_ACCOUNT, [...scopes]);
      throw error;
    }
  });
  return { token, credential };
}

/**
 * Nextcloud answered 401 to a job's app password: it was removed there (Settings → Security).
 * Forgotten here and audited, as on the session path (lib/mcp/app-password-transport.ts), so the
 * person is asked to connect again instead of the job retrying a dead credential.
 */
export async function backgroundCredentialRefused(job: JobContext, loginName: string): Promise<NotProvisionedError> {
  await forgetAppPassword(job.userId, getConfig().NEXTCLOUD_AUDIENCE);
  await recordAuditEvent({ event: "revoked", outcome: "success", userId: job.userId, detail: { by: "nextcloud", credential: "app-password", reason: "app_password_refused", job: job.kind } });
  return new NotProvisionedError(`Nextcloud no longer accepts the app password of account ${loginName} (HTTP 401); the user must connect their Nextcloud account again.`, []);
}
