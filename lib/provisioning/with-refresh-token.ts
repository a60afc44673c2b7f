/**
 * The background path's only door to a stored refresh token: decrypt it, let
 * the caller run the refresh grant, store the rotated token — without ever
 * letting two refreshes of one grant present the same refresh token.
 *
 * Why a claim and not just compare-and-set at the end: with refresh-token
 * rotation, the IdP treats a second use of a consumed refresh token as theft
 * and revokes the whole grant (OAuth 2.0 Security BCP, RFC 9700 §4.14.2;
 * oidc-provider does). Two callers racing to the IdP with the same token
 * would therefore lose the grant even if only one write "won". So:
 *
 * 1. Claim: bump `version` from even v to odd v+1 where version = v. Exactly
 *    one caller succeeds; the others see an odd version and wait.
 * 2. The claimant decrypts, calls `refresh(token)` and stores the rotated
 *    token with version v+2 where version = v+1 (compare-and-set).
 * 3. Waiters re-read once the version is even again and refresh with the
 *    winner's new token — each caller gets its own access token, the IdP sees
 *    a strictly sequential chain.
 *
 * A claimant that crashed leaves an odd version behind; after `leaseMs` the
 * claim counts as abandoned and the next caller takes it over (v+2, still
 * odd). Anything else that changes the row meanwhile (re-provisioning,
 * revocation) makes the final compare fail: the rotated token is discarded
 * and GrantConflictError says so — nothing half-written is left.
 */
import { open, seal } from "@/lib/crypto/envelope";
import { db } from "@/lib/db";
import { storedRefreshToken, type StoredRefreshToken } from "@/lib/tokens/token-types";
import { GrantConflictError, GrantNotFoundError, GrantRevokedError, GrantStoreError, GRANT_METADATA, toGrantInfo, writingGrant, type NextcloudGrantInfo } from "./grant-store";
import { grantRefreshTokenContext } from "./secret-contexts";

export interface RefreshOutcome<T> {
  /** The rotated refresh token, when the IdP issued one. */
  refreshToken?: string;
  value: T;
}

/** Throw this from `refresh` when the IdP answered invalid_grant: the grant is then marked revoked. */
export class RefreshTokenRejectedError extends Error {
  constructor(message = "the identity provider rejected the refresh token (invalid_grant)") {
    super(message);
    this.name = "RefreshTokenRejectedError";
  }
}

/** Another refresh of this grant held it for longer than the caller would wait. */
export class GrantBusyError extends GrantStoreError {}

export interface WithRefreshTokenOptions {
  /** How long to wait for a concurrent refresh of the same grant (default 15 s). */
  waitMs?: number;
  /** After this long a claim counts as abandoned (default 60 s; far above the IdP call's timeout). */
  leaseMs?: number;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRefreshToken<T>(
  userId: string,
  audience: string,
  refresh: (refreshToken: StoredRefreshToken, grant: NextcloudGrantInfo) => Promise<RefreshOutcome<T>>,
  options: WithRefreshTokenOptions = {},
): Promise<T> {
  const prisma = await db();
  const waitMs = options.waitMs ?? 15_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 50;
  const deadline = Date.now() + waitMs;
  const where = { userId_audience: { userId, audience } };

  let claimed: { grant: NextcloudGrantInfo; ciphertext: string; version: number } | undefined;
  while (!claimed) {
    const row = await prisma.nextcloudGrant.findUnique({ where, select: { ...GRANT_METADATA, encryptedRefreshToken: true, updatedAt: true } });
    if (!row) throw new GrantNotFoundError("no Nextcloud grant for this user");
    if (row.revokedAt || !row.encryptedRefreshToken) throw new GrantRevokedError("the Nextcloud grant was revoked; provision access again");
    let claim: { version: number; where: { id: string; version: number; updatedAt?: Date } };
    if (row.version % 2 === 0) {
      claim = { version: row.version + 1, where: { id: row.id, version: row.version } };
    } else if (Date.now() - row.updatedAt.getTime() > leaseMs) {
      // Abandoned by a crashed claimant: take it over (stays odd).
      claim = { version: row.version + 2, where: { id: row.id, version: row.version, updatedAt: row.updatedAt } };
    } else {
      if (Date.now() > deadline) throw new GrantBusyError("another refresh of this grant is still running; try again shortly");
      await sleep(pollMs);
      continue;
    }
    const { count } = await prisma.nextcloudGrant.updateMany({ where: claim.where, data: { version: claim.version, updatedAt: new Date() } });
    if (count === 1) {
      const { encryptedRefreshToken, updatedAt: _updatedAt, ...metadata } = row;
      claimed = { grant: toGrantInfo({ ...metadata, version: claim.version }), ciphertext: encryptedRefreshToken, version: claim.version };
    }
  }

  const { grant, ciphertext, version } = claimed;
  const finish = (data: Record<string, unknown>) =>
    writingGrant(userId, audience, () => prisma.nextcloudGrant.updateMany({ where: { id: grant.id, version }, data: { ...data, version: version + 1 } }));
  const context = grantRefreshTokenContext(userId, audience);

  let outcome: RefreshOutcome<T>;
  try {
    const refreshToken = storedRefreshToken(await open(ciphertext, context));
    outcome = await refresh(refreshToken, grant);
  } catch (error) {
    if (error instanceof RefreshTokenRejectedError) {
      await finish({ revokedAt: new Date(), encryptedRefreshToken: null, keyId: null });
      throw new GrantRevokedError("the identity provider no longer accepts this grant; provision access again");
    }
    await finish({}); // release the claim, token unchanged
    throw error;
  }

  const sealed = outcome.refreshToken ? await seal(outcome.refreshToken, context) : undefined;
  const { count } = await finish({ lastUsedAt: new Date(), ...(sealed ? { encryptedRefreshToken: sealed.ciphertext, keyId: sealed.keyId } : {}) });
  if (count !== 1) throw new GrantConflictError("the grant changed while it was being refreshed (provisioned again or revoked); the rotated token was discarded");
  return outcome.value;
}
