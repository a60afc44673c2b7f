/**
 * Account look-ups. A disabled account is not found: whoever asks (the IdP
 * loading a session's account, a token being issued) treats it as gone, so
 * disabling someone ends their existing sessions too.
 */
import { db } from "@/lib/db";
import { ACCOUNT_COLUMNS, toAccount, toAccountRecord, type Account, type AccountRecord } from "./account";
import { normalizeUsername } from "./validate-account-input";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findAccountById(id: string): Promise<Account | null> {
  if (typeof id !== "string" || !UUID.test(id)) return null;
  const prisma = await db();
  const row = await prisma.user.findUnique({ where: { id }, select: ACCOUNT_COLUMNS });
  return row && !row.disabledAt ? toAccount(row) : null;
}

export async function findAccountByUsername(username: string): Promise<Account | null> {
  if (typeof username !== "string" || username.length > 256) return null;
  const prisma = await db();
  const row = await prisma.user.findUnique({ where: { username: normalizeUsername(username) }, select: ACCOUNT_COLUMNS });
  return row && !row.disabledAt ? toAccount(row) : null;
}

/** Enabled accounts, by username. */
export async function listAccounts(): Promise<Account[]> {
  const prisma = await db();
  const rows = await prisma.user.findMany({ where: { disabledAt: null }, select: ACCOUNT_COLUMNS, orderBy: { username: "asc" } });
  return rows.map(toAccount);
}

/** Every account, disabled ones included, by username (CLI, admin). */
export async function listAccountRecords(): Promise<AccountRecord[]> {
  const prisma = await db();
  const rows = await prisma.user.findMany({ select: ACCOUNT_COLUMNS, orderBy: { username: "asc" } });
  return rows.map(toAccountRecord);
}
