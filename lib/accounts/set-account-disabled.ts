/**
 * Disables or re-enables an account. A disabled account cannot sign in and is
 * not found by id or username, so its existing sessions stop working too.
 */
import { db } from "@/lib/db";

/** False when there is no such account. */
export async function setAccountDisabled(id: string, disabled: boolean): Promise<boolean> {
  const prisma = await db();
  const { count } = await prisma.user.updateMany({ where: { id }, data: { disabledAt: disabled ? new Date() : null } });
  return count > 0;
}
