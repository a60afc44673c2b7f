/**
 * The demo account of the embedded default: on the first start with no
 * account at all, outside production (or with ALLOW_DEMO_ACCOUNTS=true), and
 * only with the built-in IdP (an external IdP has its own users), create
 * "demo" with a random password. The caller prints the password once; it is
 * stored nowhere but as a hash.
 *
 * Two processes starting at once: both may see an empty table, but the unique
 * username lets exactly one create the account, and only that one reports
 * `created` (and so prints).
 */
import { randomBytes } from "node:crypto";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { AccountExistsError } from "./validate-account-input";
import { createAccount } from "./create-account";

export const DEMO_USERNAME = "demo";

export function demoAccountsAllowed(config = getConfig()): boolean {
  return config.BUILTIN_IDP && (config.NODE_ENV !== "production" || config.ALLOW_DEMO_ACCOUNTS);
}

export async function ensureDemoAccount(): Promise<{ created: boolean; username?: string; password?: string }> {
  if (!demoAccountsAllowed()) return { created: false };
  const prisma = await db();
  if ((await prisma.user.count()) > 0) return { created: false };
  // 18 random bytes: 144 bits, 24 URL-safe characters, easy to copy from a terminal.
  const password = randomBytes(18).toString("base64url");
  try {
    await createAccount({ username: DEMO_USERNAME, password, displayName: "Demo user" });
  } catch (error) {
    if (error instanceof AccountExistsError) return { created: false };
    throw error;
  }
  return { created: true, username: DEMO_USERNAME, password };
}

/**
 * The one console message that ever contains a password: the demo account's,
 * printed once, right after it was created.
 */
export function formatDemoAccountNotice(demo: { username?: string; password?: string }): string {
  const rule = "=".repeat(72);
  return [
    "",
    rule,
    "  DEMO ACCOUNT CREATED (shown once; not for production)",
    `  Username: ${demo.username}`,
    `  Password: ${demo.password}`,
    "  Sign in with it at the built-in identity provider. Add real accounts",
    "  with `npm run user:add -- --username NAME --password PW`.",
    rule,
    "",
  ].join("\n");
}
