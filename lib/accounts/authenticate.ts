/**
 * Sign-in with a username and password.
 *
 * Rules:
 * - One answer for every kind of failure (unknown user, wrong password,
 *   disabled account): `invalid_credentials`. Unknown users are checked
 *   against a fixed dummy hash, so all three cost the same scrypt work and
 *   cannot be told apart by timing either.
 * - Rate limits (login-rate-limit.ts) are applied first; a limited attempt
 *   answers `rate_limited` with a retry-after and checks no password.
 * - A good sign-in with a hash made under older parameters is re-hashed.
 */
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { toAccount, type Account } from "./account";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "./hash-password";
import { reserveLoginAttempt } from "./login-rate-limit";
import { normalizeUsername, PASSWORD_MAX_LENGTH, USERNAME_PATTERN } from "./validate-account-input";

export type AuthenticateResult =
  | { ok: true; account: Account }
  | { ok: false; error: "invalid_credentials" | "rate_limited"; retryAfterSeconds?: number };

const INVALID = { ok: false, error: "invalid_credentials" } as const;

export async function authenticate(input: { username: string; password: string; ip: string }): Promise<AuthenticateResult> {
  const username = typeof input.username === "string" ? normalizeUsername(input.username).slice(0, 256) : "";
  const password = typeof input.password === "string" ? input.password : "";
  const ip = typeof input.ip === "string" ? input.ip : "";

  const reservation = await reserveLoginAttempt(username, ip);
  if (!reservation.allowed) return { ok: false, error: "rate_limited", retryAfterSeconds: reservation.retryAfterSeconds };

  const prisma = await db();
  // A name that could never have been created is looked up nowhere, but costs the same.
  const user = USERNAME_PATTERN.test(username) ? await prisma.user.findUnique({ where: { username } }) : null;
  // An over-long password cannot match a stored one (creation refuses it): still spend one hash.
  const candidate = password.length > PASSWORD_MAX_LENGTH ? "" : password;

  let matches: boolean;
  if (user && candidate) matches = await verifyPassword(candidate, user.passwordHash);
  else matches = await verifyAgainstDummy(candidate);

  const ok = matches && user !== null && user.disabledAt === null;
  await reservation.release(ok);
  if (!ok || !user) return INVALID;

  if (needsRehash(user.passwordHash)) {
    try {
      await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(candidate) } });
    } catch (error) {
      // The sign-in is valid either way; the next one will try again.
      log.warn("could not upgrade a password hash", { userId: user.id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { ok: true, account: toAccount(user) };
}
