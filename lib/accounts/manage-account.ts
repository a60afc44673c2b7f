/**
 * Operator actions on an existing account, by username (the CLI's handle):
 * set a new password, disable, re-enable. Disabled accounts are matched too
 * (findAccountByUsername hides them, but re-enabling needs to find them).
 * Passwords are validated like at creation and never returned or logged.
 */
import { db } from "@/lib/db";
import { hashPassword } from "./hash-password";
import { AccountInputError, passwordSchema, usernameSchema } from "./validate-account-input";

function parseUsername(username: string): string {
  const parsed = usernameSchema.safeParse(username);
  if (!parsed.success) throw new AccountInputError([{ field: "username", message: parsed.error.issues[0]?.message ?? "is invalid" }]);
  return parsed.data;
}

/** False when there is no such account. */
export async function setAccountPassword(username: string, password: string): Promise<boolean> {
  const name = parseUsername(username);
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new AccountInputError([{ field: "password", message: parsed.error.issues[0]?.message ?? "is invalid" }]);
  const passwordHash = await hashPassword(parsed.data);
  const prisma = await db();
  const { count } = await prisma.user.updateMany({ where: { username: name }, data: { passwordHash } });
  return count > 0;
}

/** False when there is no such account. A disabled account cannot sign in, and its sessions stop working. */
export async function setAccountDisabledByUsername(username: string, disabled: boolean): Promise<boolean> {
  const name = parseUsername(username);
  const prisma = await db();
  const { count } = await prisma.user.updateMany({ where: { username: name }, data: { disabledAt: disabled ? new Date() : null } });
  return count > 0;
}
