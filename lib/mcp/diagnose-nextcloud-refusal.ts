/**
 * A Nextcloud 401 for a token this server just obtained, told apart further
 * where this server knows more than Nextcloud says: with the built-in IdP,
 * whether the token was signed by a key that was published less than
 * user_oidc's JWKS cache lifetime ago (one hour; it never refetches for an
 * unknown kid) — only an immediate rotation (or a too short publish-ahead
 * period) does that. Then the message says exactly that, until when it lasts, and
 * how the Nextcloud admin ends it now — instead of the general list of
 * causes (nextcloud-error-for-status.ts). Anything else is left as it is.
 */
import { decodeProtectedHeader } from "jose";
import type { NextcloudToken } from "@/lib/tokens/token-types";
import { getConfig } from "@/lib/config";
import { signingKeyTimes } from "@/lib/idp/rotate-signing-keys";
import { log } from "@/lib/log";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";

/** user_oidc DiscoveryService::INVALIDATE_JWKS_CACHE_AFTER_SECONDS. */
export const NEXTCLOUD_JWKS_CACHE_MS = 3_600_000;

export async function diagnoseNextcloudRefusal(error: NextcloudRequestError, token: NextcloudToken, now = Date.now()): Promise<NextcloudRequestError> {
  if (error.reason !== "token_not_trusted" || !getConfig().BUILTIN_IDP) return error;
  let publishedAt: number | null;
  try {
    const kid = decodeProtectedHeader(token.accessToken).kid;
    const times = kid ? await signingKeyTimes(kid) : { publishedAt: null, activatedAt: null };
    publishedAt = times.publishedAt ?? times.activatedAt;
  } catch (cause) {
    log.warn("could not look up the signing key of a refused Nextcloud token", { reason: cause instanceof Error ? cause.message : String(cause) });
    return error;
  }
  if (publishedAt === null || now - publishedAt >= NEXTCLOUD_JWKS_CACHE_MS) return error;
  const minutes = Math.max(1, Math.round((now - publishedAt) / 60_000));
  const until = new Date(publishedAt + NEXTCLOUD_JWKS_CACHE_MS).toISOString().slice(11, 16);
  return new NextcloudRequestError(
    "unauthorized",
    `Nextcloud did not accept the access token (HTTP 401) because this server's identity provider signs with a key it published only ${minutes} min ago, and Nextcloud's user_oidc keeps the keys it fetched for an hour. ` +
      `It works again by ${until} UTC at the latest; the Nextcloud admin can end it now by saving the user_oidc provider again (occ user_oidc:provider <identifier> --clientid ${getConfig().NEXTCLOUD_AUDIENCE}). ` +
      "Provisioning again will not help. (Staged rotation — npm run keys:rotate-signing without --immediate — avoids this.)",
    401,
    "token_not_trusted",
  );
}
