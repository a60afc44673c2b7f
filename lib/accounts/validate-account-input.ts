/**
 * The one definition of what a valid local account looks like, used by
 * createAccount (and so by the CLI and the demo account). Errors name the
 * field and the rule, never the value: a password must not end up in an
 * error message, a log or a terminal.
 */
import { z } from "zod";

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/i;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
export const DISPLAY_NAME_MAX_LENGTH = 100;

// Control characters in a name would let it rewrite a terminal line or a page.
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}\p{Cf}]*$/u;

/** Usernames are case-insensitive: stored and looked up in lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export const usernameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .trim()
  .regex(USERNAME_PATTERN, "must be 2-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit")
  .transform((u) => u.toLowerCase());

// NIST SP 800-63B §5.1.1.2: at least 8 characters, allow long passphrases, no
// composition rules. The upper bound keeps a single hash bounded in cost.
export const passwordSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

export const newAccountSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  email: z
    .string()
    .trim()
    .max(254, "must be at most 254 characters")
    .pipe(z.email({ error: "must be a valid email address" }))
    .optional(),
  displayName: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(DISPLAY_NAME_MAX_LENGTH, `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`)
    .regex(NO_CONTROL_CHARACTERS, "must not contain control characters")
    .optional(),
  isAdmin: z.boolean({ error: "must be true or false" }).optional(),
});

export type NewAccountInput = z.input<typeof newAccountSchema>;
export type NewAccount = z.output<typeof newAccountSchema>;

export class AccountInputError extends Error {
  constructor(readonly issues: { field: string; message: string }[]) {
    super(`Invalid account: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`);
    this.name = "AccountInputError";
  }
}

export class AccountExistsError extends Error {
  constructor(username: string) {
    super(`An account with the username "${username}" already exists.`);
    this.name = "AccountExistsError";
  }
}

/** Validates and normalises a new account; throws AccountInputError naming every bad field. */
export function parseNewAccount(input: unknown): NewAccount {
  const result = newAccountSchema.safeParse(input);
  if (result.success) return result.data;
  throw new AccountInputError(
    // Messages name the rule (zod's own ones name types or unknown keys), never the value.
    result.error.issues.map((issue) => ({ field: issue.path.length ? issue.path.join(".") : "input", message: issue.message })),
  );
}
