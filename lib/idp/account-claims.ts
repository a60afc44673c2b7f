/**
 * The claims of a local account, as the built-in IdP states them (OIDC Core
 * §5.1 standard claims): one mapping for ID tokens and userinfo
 * (configuration `findAccount`) and for the identity claims of exchanged
 * Nextcloud tokens (grants/token-exchange.ts).
 */
import { findAccountById } from "@/lib/accounts";

export interface AccountClaims {
  sub: string;
  preferred_username: string;
  name: string;
  email?: string;
  email_verified?: boolean;
}

export async function findAccountClaims(sub: string): Promise<AccountClaims | undefined> {
  const account = await findAccountById(sub);
  if (!account) return undefined;
  return {
    sub: account.id,
    preferred_username: account.username,
    name: account.displayName,
    ...(account.email ? { email: account.email, email_verified: false } : {}),
  };
}
