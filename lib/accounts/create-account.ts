/**
 * Creates a local account: validated input, scrypt hash, unique username
 * (the database's unique index decides between concurrent creators).
 */
import { db, Prisma } from "@/lib/db";
import { ACCOUNT_COLUMNS, toAccount, type Account } from "./account";
import { hashPassword } from "./hash-password";
import { AccountExistsError, parseNewAccount, type NewAccountInput } from "./validate-account-input";

/**
 * A unique-index violation, however it surfaces: Prisma maps it to P2002 with
 * @prisma/adapter-pg; pglite-prisma-adapter 0.6 passes the raw PostgreSQL
 * error (SQLSTATE 23505) through as the cause of a DriverAdapterError.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return true;
  const cause = (error as { cause?: { kind?: unknown; code?: unknown } } | null)?.cause;
  return cause?.kind === "postgres" && cause.code === "23505";
}

export async function createAccount(input: NewAccountInput): Promise<Account> {
  const account = parseNewAccount(input);
  const passwordHash = await hashPassword(account.password);
  const prisma = await db();
  try {
    const row = await prisma.user.create({
      data: {
        username: account.username,
        email: account.email ?? null,
        displayName: account.displayName ?? account.username,
        passwordHash,
        isAdmin: account.isAdmin ?? false,
      },
      select: ACCOUNT_COLUMNS,
    });
    return toAccount(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AccountExistsError(account.username);
    throw error;
  }
}
