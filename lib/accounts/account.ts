/**
 * The account as the rest of the app sees it: never the password hash.
 */
export interface Account {
  id: string;
  username: string;
  email: string | null;
  displayName: string;
  isAdmin: boolean;
}

/** An account with its administrative state, for the CLI and admin pages. */
export interface AccountRecord extends Account {
  disabledAt: Date | null;
  createdAt: Date;
}

type UserRow = { id: string; username: string; email: string | null; displayName: string; isAdmin: boolean; disabledAt: Date | null; createdAt: Date };

export function toAccount(row: UserRow): Account {
  return { id: row.id, username: row.username, email: row.email, displayName: row.displayName, isAdmin: row.isAdmin };
}

export function toAccountRecord(row: UserRow): AccountRecord {
  return { ...toAccount(row), disabledAt: row.disabledAt, createdAt: row.createdAt };
}

/** The columns to read: the hash stays in the database unless a sign-in needs it. */
export const ACCOUNT_COLUMNS = { id: true, username: true, email: true, displayName: true, isAdmin: true, disabledAt: true, createdAt: true } as const;
