/**
 * The app password of NEXTCLOUD_AUTH=app-password, stored on the user's
 * Nextcloud grant row next to the refresh token: sealed (AES-256-GCM
 * envelope, lib/crypto, key id inside; context bound to the row, so a
 * ciphertext copied into another user's row does not open), with the
 * Nextcloud login name it belongs to.
 *
 * - attachAppPassword: after Login Flow v2 succeeded and the account rule
 *   (link-login-flow.ts) allowed it; only onto a live grant.
 * - openAppPassword: per Nextcloud request, through the opaque credential
 *   (lib/nextcloud/nextcloud-credential.ts); nothing is cached.
 * - takeAppPassword: for revocation only — the plaintext, to present it to
 *   Nextcloud's DELETE /ocs/v2.php/core/apppassword.
 */
import { open, seal } from "@/lib/crypto/envelope";
import { db } from "@/lib/db";
import { writingGrant } from "./grant-store";
import { grantAppPasswordContext } from "./secret-contexts";

export class AppPasswordMissingError extends Error {
  constructor() {
    super("no Nextcloud app password is connected");
    this.name = "AppPasswordMissingError";
  }
}

const key = (userId: string, audience: string) => ({ userId_audience: { userId, audience } });

/** Stores the app password on the live grant; false when there is no live grant (nothing stored). */
export async function attachAppPassword(input: { userId: string; audience: string; loginName: string; appPassword: string }): Promise<boolean> {
  const sealed = await seal(input.appPassword, grantAppPasswordContext(input.userId, input.audience));
  return writingGrant(input.userId, input.audience, async () => {
    const { count } = await (await db()).nextcloudGrant.updateMany({
      where: { userId: input.userId, audience: input.audience, revokedAt: null },
      data: { encryptedAppPassword: sealed.ciphertext, nextcloudLoginName: input.loginName },
    });
    return count === 1;
  });
}

/** The decrypted app password of a live grant, for one request. */
export async function openAppPassword(userId: string, audience: string): Promise<string> {
  const row = await (await db()).nextcloudGrant.findUnique({ where: key(userId, audience), select: { encryptedAppPassword: true, revokedAt: true } });
  if (!row?.encryptedAppPassword || row.revokedAt) throw new AppPasswordMissingError();
  return open(row.encryptedAppPassword, grantAppPasswordContext(userId, audience));
}

/** The stored app password and its login name (revocation), or undefined when none is stored. */
export async function readAppPassword(userId: string, audience: string): Promise<{ loginName: string; appPassword: string } | undefined> {
  const row = await (await db()).nextcloudGrant.findUnique({ where: key(userId, audience), select: { encryptedAppPassword: true, nextcloudLoginName: true } });
  if (!row?.encryptedAppPassword || !row.nextcloudLoginName) return undefined;
  return { loginName: row.nextcloudLoginName, appPassword: await open(row.encryptedAppPassword, grantAppPasswordContext(userId, audience)) };
}

/** Nextcloud refused the app password (removed there under Settings → Security): forget it, so the next call asks to connect again. */
export async function forgetAppPassword(userId: string, audience: string): Promise<boolean> {
  return writingGrant(userId, audience, async () => {
    const { count } = await (await db()).nextcloudGrant.updateMany({
      where: { userId, audience, encryptedAppPassword: { not: null } },
      data: { encryptedAppPassword: null, nextcloudLoginName: null },
    });
    return count === 1;
  });
}
