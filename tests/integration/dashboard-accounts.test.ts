/**
 * Account management from the admin dashboard (lib/dashboard/manage-accounts.ts)
 * on a real database: add, disable / enable, reset a password (typed or
 * generated once), every change audited without the password — and the
 * refusals: an administrator disabling their own account, forged or invalid
 * input, an existing username, an unknown account. Nothing changes on a
 * refusal. (The 403 for non-administrators and the Origin check are the
 * server action's, covered in tests/e2e/dashboard-admin.spec.ts.)
 */
import { describe, expect, it } from "vitest";
import { authenticate, createAccount } from "@/lib/accounts";
import { flushAuditEvents } from "@/lib/audit/record-audit-event";
import { accountChangeFields, changeAccount } from "@/lib/dashboard/manage-accounts";
import { useInProcessDatabase } from "../helpers/in-process-database";

const h = useInProcessDatabase();
const PASSWORD = "correct horse battery";
const signIn = (username: string, password: string) => authenticate({ username, password, ip: "192.0.2.1" });

async function newAdmin(username: string) {
  const account = await createAccount({ username, password: PASSWORD, isAdmin: true });
  return { id: account.id, username: account.username };
}

const auditRows = async (adminId: string) => {
  await flushAuditEvents(5_000);
  return h.current().prisma.auditEvent.findMany({ where: { userId: adminId, event: "account_changed" }, orderBy: { at: "asc" } });
};

describe("an administrator managing accounts", () => {
  it("adds an account with a typed password, and with a generated one shown once", async () => {
    const admin = await newAdmin("root-add");
    const typed = await changeAccount({ admin, fields: { change: "create", username: "Carol", displayName: "Carol C", email: "", isAdmin: null, passwordMode: "set", password: "carol's passphrase" } });
    expect(typed).toEqual({ ok: true, change: "create", username: "carol" });
    expect((await signIn("carol", "carol's passphrase")).ok).toBe(true);

    const generated = await changeAccount({ admin, fields: { change: "create", username: "dave", displayName: "", email: "dave@example.com", isAdmin: "on", passwordMode: "generate", password: "" } });
    expect(generated).toMatchObject({ ok: true, username: "dave", generatedPassword: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/) });
    const password = (generated as { generatedPassword: string }).generatedPassword;
    expect((await signIn("dave", password)).ok).toBe(true);
    const dave = await h.current().prisma.user.findUniqueOrThrow({ where: { username: "dave" } });
    expect(dave).toMatchObject({ isAdmin: true, email: "dave@example.com", displayName: "dave" });

    const rows = await auditRows(admin.id);
    expect(rows.map((r) => [r.outcome, r.detail])).toEqual([
      ["success", { change: "create", account: "carol", isAdmin: false }],
      ["success", { change: "create", account: "dave", isAdmin: true }],
    ]);
    expect(JSON.stringify(rows)).not.toContain(password);
    expect(JSON.stringify(rows)).not.toContain("carol's passphrase");
  });

  it("disables and re-enables an account: a disabled one cannot sign in", async () => {
    const admin = await newAdmin("root-toggle");
    const erin = await createAccount({ username: "erin", password: PASSWORD });
    expect(await changeAccount({ admin, fields: { change: "disable", accountId: erin.id } })).toEqual({ ok: true, change: "disable", username: "erin" });
    expect((await signIn("erin", PASSWORD)).ok).toBe(false);
    expect(await changeAccount({ admin, fields: { change: "enable", accountId: erin.id } })).toMatchObject({ ok: true, change: "enable" });
    expect((await signIn("erin", PASSWORD)).ok).toBe(true);
    expect((await auditRows(admin.id)).map((r) => (r.detail as { change: string }).change)).toEqual(["disable", "enable"]);
  });

  it("resets a password, typed or generated; the old one stops working", async () => {
    const admin = await newAdmin("root-reset");
    const frank = await createAccount({ username: "frank", password: PASSWORD });
    expect(await changeAccount({ admin, fields: { change: "password", accountId: frank.id, passwordMode: "set", password: "a brand new passphrase" } })).toEqual({ ok: true, change: "password", username: "frank" });
    expect((await signIn("frank", PASSWORD)).ok).toBe(false);
    expect((await signIn("frank", "a brand new passphrase")).ok).toBe(true);
    const generated = await changeAccount({ admin, fields: { change: "password", accountId: frank.id, passwordMode: "generate" } });
    const password = (generated as { generatedPassword: string }).generatedPassword;
    expect((await signIn("frank", password)).ok).toBe(true);
    expect((await signIn("frank", "a brand new passphrase")).ok).toBe(false);
    const rows = await auditRows(admin.id);
    expect(rows.map((r) => r.detail)).toEqual([
      { change: "password", account: "frank", generated: false },
      { change: "password", account: "frank", generated: true },
    ]);
    expect(JSON.stringify(rows)).not.toContain(password);
  });
});

describe("refusals (nothing changes)", () => {
  it("an administrator cannot disable their own account; the attempt is audited", async () => {
    const admin = await newAdmin("root-self");
    const result = await changeAccount({ admin, fields: { change: "disable", accountId: admin.id } });
    expect(result).toMatchObject({ ok: false, reason: "self" });
    expect((await signIn("root-self", PASSWORD)).ok).toBe(true);
    expect((await auditRows(admin.id)).map((r) => [r.outcome, r.detail])).toEqual([["denied", { change: "disable", account: "root-self", reason: "own account" }]]);
  });

  it("an existing username (any case) is refused", async () => {
    const admin = await newAdmin("root-exists");
    await createAccount({ username: "grace", password: PASSWORD });
    const result = await changeAccount({ admin, fields: { change: "create", username: "GRACE", passwordMode: "set", password: "other passphrase" } });
    expect(result).toMatchObject({ ok: false, reason: "exists" });
    expect((await signIn("grace", PASSWORD)).ok).toBe(true);
  });

  it.each([
    ["an unknown change", { change: "delete", accountId: "00000000-0000-4000-8000-000000000000" }],
    ["no change at all", {}],
    ["an account id that is not one", { change: "disable", accountId: "../../etc" }],
    ["a bad username", { change: "create", username: "no spaces allowed", passwordMode: "generate" }],
    ["a short typed password", { change: "create", username: "heidi", passwordMode: "set", password: "short" }],
    ["a typed password left empty", { change: "password", accountId: "00000000-0000-4000-8000-000000000000", passwordMode: "set", password: "" }],
    ["an unknown password mode", { change: "create", username: "ivan", passwordMode: "email-it" }],
    ["a display name with control characters", { change: "create", username: "judy", displayName: "Judy\u001b[2J", passwordMode: "generate" }],
    ["a non-string field", { change: "create", username: ["a", "b"], passwordMode: "generate" }],
  ])("%s is refused with a readable message that holds no password", async (_name, fields) => {
    const admin = await newAdmin(`root-invalid-${Math.random().toString(36).slice(2, 8)}`);
    const before = await h.current().prisma.user.count();
    const result = await changeAccount({ admin, fields });
    expect(result).toMatchObject({ ok: false, reason: "invalid", message: expect.stringMatching(/^Nothing was changed: .+\.$/) });
    expect((result as { message: string }).message).not.toContain("short");
    expect(await h.current().prisma.user.count()).toBe(before);
  });

  it("an unknown account is refused", async () => {
    const admin = await newAdmin("root-unknown");
    for (const change of ["disable", "enable"]) {
      expect(await changeAccount({ admin, fields: { change, accountId: "00000000-0000-4000-8000-000000000000" } })).toMatchObject({ ok: false, reason: "not_found" });
    }
    expect(await changeAccount({ admin, fields: { change: "password", accountId: "00000000-0000-4000-8000-000000000000", passwordMode: "generate" } })).toMatchObject({ ok: false, reason: "not_found" });
  });
});

describe("accountChangeFields", () => {
  it("reads only the known text fields of a form; files and extra fields are ignored", () => {
    const form = new FormData();
    form.set("change", "create");
    form.set("username", "kim");
    form.set("isAdmin", "on");
    form.set("password", new Blob(["x"]));
    form.set("passwordHash", "forged");
    expect(accountChangeFields(form)).toEqual({ change: "create", accountId: null, username: "kim", displayName: null, email: null, isAdmin: "on", passwordMode: null, password: null });
  });
});
