/**
 * An administrator manages the built-in IdP's local accounts from the
 * dashboard: add one, disable / re-enable one, reset a password (typed by the
 * admin, or generated and shown once). The same rules as the CLI
 * (lib/accounts: validation, scrypt hash, case-insensitive usernames), plus:
 *
 * - An administrator cannot disable their own account (they would lock
 *   themselves out of the page that undoes it); refused and audited.
 * - Every change, and every refusal, is an `account_changed` audit row: the
 *   acting administrator as the user, the change and the account's username
 *   in the detail. Never a password: a generated one is returned to the
 *   caller once and stored only as its hash.
 *
 * Input is validated with zod here (the server action passes FormData values
 * through unchanged), so a forged post gets a readable refusal, never a 500.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { AccountExistsError, AccountInputError, createAccount, setAccountDisabled, setAccountPassword } from "@/lib/accounts";
import { newAccountSchema, passwordSchema } from "@/lib/accounts/validate-account-input";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db";
import { log } from "@/lib/log";

const accountId = z.uuid({ error: "is not an account id" });
// An empty text field means "not given" (HTML forms post every field).
const blankIsAbsent = (v: unknown) => (v === "" || v === null ? undefined : v);
// A checked HTML checkbox posts "on"; an unchecked one posts nothing.
const checkbox = z.preprocess(blankIsAbsent, z.enum(["on", "true"], { error: "must be a checkbox value" }).optional());

/**
 * How the new password is chosen: typed by the administrator ("set", then
 * `password` follows the account rules), or generated and shown once.
 */
const passwordChoice = {
  passwordMode: z.enum(["generate", "set"], { error: "must be generate or set" }),
  password: z.preprocess(blankIsAbsent, z.string().optional()),
};
function typedPasswordValid(value: { passwordMode: "generate" | "set"; password?: string | undefined }, ctx: z.RefinementCtx) {
  if (value.passwordMode !== "set") return;
  const checked = passwordSchema.safeParse(value.password);
  if (!checked.success) ctx.addIssue({ code: "custom", path: ["password"], message: checked.error.issues[0]?.message ?? "is invalid" });
}

export const accountChangeSchema = z.discriminatedUnion("change", [
  z
    .object({
      change: z.literal("create"),
      username: newAccountSchema.shape.username,
      displayName: z.preprocess(blankIsAbsent, newAccountSchema.shape.displayName),
      email: z.preprocess(blankIsAbsent, newAccountSchema.shape.email),
      isAdmin: checkbox,
      ...passwordChoice,
    })
    .superRefine(typedPasswordValid),
  z.object({ change: z.enum(["disable", "enable"]), accountId }),
  z.object({ change: z.literal("password"), accountId, ...passwordChoice }).superRefine(typedPasswordValid),
]);
export type AccountChange = z.infer<typeof accountChangeSchema>;

export type AccountChangeResult =
  | { ok: true; change: AccountChange["change"]; username: string; generatedPassword?: string }
  | { ok: false; reason: "invalid" | "exists" | "not_found" | "self"; message: string };

export function generatePassword(): string {
  return randomBytes(18).toString("base64url"); // 144 bits, 24 characters
}

/** The form's fields as the schema reads them (FormData → plain object; files are not expected and are dropped). */
export function accountChangeFields(form: FormData): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  for (const name of ["change", "accountId", "username", "displayName", "email", "isAdmin", "passwordMode", "password"]) {
    const value = form.get(name);
    fields[name] = typeof value === "string" ? value : null;
  }
  return fields;
}

/** Validation issues as a sentence naming fields and rules, never values. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "input"} ${i.message}`).join("; ");
}

export async function changeAccount(input: { admin: { id: string; username?: string }; fields: unknown }): Promise<AccountChangeResult> {
  const parsed = accountChangeSchema.safeParse(input.fields);
  if (!parsed.success) return { ok: false, reason: "invalid", message: `Nothing was changed: ${describeIssues(parsed.error)}.` };
  const change = parsed.data;
  const audit = (outcome: "success" | "denied", username: string, extra: Record<string, unknown> = {}) =>
    recordAuditEvent({ event: "account_changed", outcome, userId: input.admin.id, detail: { change: change.change, account: username, ...extra } });
  const password = "passwordMode" in change && change.passwordMode === "set" && change.password ? change.password : generatePassword();
  const generated = "passwordMode" in change && change.passwordMode === "generate" ? password : undefined;

  if (change.change === "create") {
    try {
      const account = await createAccount({
        username: change.username,
        password,
        ...(change.displayName ? { displayName: change.displayName } : {}),
        ...(change.email ? { email: change.email } : {}),
        isAdmin: change.isAdmin !== undefined,
      });
      await audit("success", account.username, { isAdmin: account.isAdmin });
      log.info("account created by an administrator", { account: account.username, adminId: input.admin.id });
      return { ok: true, change: "create", username: account.username, ...(generated ? { generatedPassword: generated } : {}) };
    } catch (error) {
      if (error instanceof AccountExistsError) return { ok: false, reason: "exists", message: `An account named “${change.username}” already exists.` };
      if (error instanceof AccountInputError) return { ok: false, reason: "invalid", message: `Nothing was changed: ${error.issues.map((i) => `${i.field} ${i.message}`).join("; ")}.` };
      throw error;
    }
  }

  const prisma = await db();
  const target = await prisma.user.findUnique({ where: { id: change.accountId }, select: { id: true, username: true } });
  if (!target) return { ok: false, reason: "not_found", message: "That account does not exist." };

  if (change.change === "disable" || change.change === "enable") {
    if (change.change === "disable" && target.id === input.admin.id) {
      await audit("denied", target.username, { reason: "own account" });
      return { ok: false, reason: "self", message: "You cannot disable your own account: another administrator can." };
    }
    await setAccountDisabled(target.id, change.change === "disable");
    await audit("success", target.username);
    log.info(`account ${change.change}d by an administrator`, { account: target.username, adminId: input.admin.id });
    return { ok: true, change: change.change, username: target.username };
  }

  await setAccountPassword(target.username, password);
  await audit("success", target.username, { generated: generated !== undefined });
  log.info("account password reset by an administrator", { account: target.username, adminId: input.admin.id });
  return { ok: true, change: "password", username: target.username, ...(generated ? { generatedPassword: generated } : {}) };
}
