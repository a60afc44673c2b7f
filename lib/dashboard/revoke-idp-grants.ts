/**
 * Revokes IdP grants at the built-in IdP: every opaque token issued under
 * each grant (refresh tokens, authorization codes, stored access tokens) and
 * the Grant itself, as oidc-provider does on refresh-token reuse. JWT access
 * tokens are not stored and stay cryptographically valid until they expire;
 * the MCP endpoint refuses them because their grant (`gid`) is gone
 * (lib/auth/grant-liveness.ts; this process forgets its cached answer at once).
 *
 * A Nextcloud grant that rests on one of these IdP grants (hybrid mode) is
 * marked revoked too: its refresh token just died with the grant.
 */
import { forgetGrant } from "@/lib/auth/grant-liveness";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { getProvider } from "@/lib/idp/provider";
import { markRevoked } from "@/lib/provisioning/grant-store";

export async function revokeIdpGrants(grantIds: readonly string[]): Promise<number> {
  if (grantIds.length === 0) return 0;
  const provider = await getProvider();
  let revoked = 0;
  for (const grantId of grantIds) {
    await Promise.all([provider.AccessToken, provider.RefreshToken, provider.AuthorizationCode].map((model) => model.revokeByGrantId(grantId)));
    const grant = await provider.Grant.find(grantId);
    if (grant) {
      await grant.destroy();
      revoked++;
    }
    forgetGrant(grantId);
  }
  const prisma = await db();
  const backed = await prisma.nextcloudGrant.findMany({ where: { idpGrantId: { in: [...grantIds] }, revokedAt: null }, select: { userId: true } });
  for (const row of backed) await markRevoked(row.userId, getConfig().NEXTCLOUD_AUDIENCE);
  return revoked;
}
