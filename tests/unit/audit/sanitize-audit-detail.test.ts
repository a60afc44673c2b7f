import { describe, expect, it } from "vitest";
import { AUDIT_LIMITS, sanitizeAuditDetail } from "@/lib/audit/sanitize-audit-detail";

const JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

describe("audit detail sanitising", () => {
  it("drops credential-named keys at any depth, with their values", () => {
    const out = sanitizeAuditDetail({
      access_token: "a",
      refreshToken: "b",
      client_secret: "c",
      password: "d",
      code: "e",
      code_verifier: "f",
      Authorization: "Bearer g",
      nested: { subject_token: "h", id_token_hint: "i", kept: "ok", deeper: [{ apiKey: "j", n: 1 }] },
      reason: "invalid_grant",
    });
    expect(out).toEqual({ nested: { kept: "ok", deeper: [{ n: 1 }] }, reason: "invalid_grant" });
    expect(JSON.stringify(out)).not.toMatch(/"[abcdefhij]"|Bearer/);
  });

  it("redacts JWT-looking values whatever their key", () => {
    expect(sanitizeAuditDetail({ note: `upstream said ${JWT}`, list: [JWT] })).toEqual({ note: "[redacted]", list: ["[redacted]"] });
  });

  it("caps strings, arrays, keys and depth, and drops what is too big", () => {
    const out = sanitizeAuditDetail({
      long: "x".repeat(2000),
      many: Array.from({ length: 50 }, (_, i) => i),
      deep: { a: { b: { c: { d: { e: 1 } } } } },
    })!;
    expect((out.long as string).length).toBe(AUDIT_LIMITS.string + 1);
    expect(out.many).toHaveLength(AUDIT_LIMITS.array + 1);
    expect((out.many as unknown[]).at(-1)).toBe("[30 more]");
    expect(JSON.stringify(out.deep)).toContain("[nested too deep]");
    const wide = sanitizeAuditDetail(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])))!;
    expect(Object.keys(wide)).toHaveLength(AUDIT_LIMITS.keys + 1);
    expect(wide["[truncated]"]).toBe(true);
    const huge = sanitizeAuditDetail(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, "y".repeat(400)])));
    expect(huge).toEqual({ truncated: true, note: "detail exceeded 4 KB and was dropped" });
  });

  it("turns dates, errors and odd values into plain JSON", () => {
    const out = sanitizeAuditDetail({ at: new Date("2030-01-01T00:00:00Z"), error: new Error("boom"), fn: () => 1, nan: Number.NaN, missing: undefined, n: 10n });
    expect(out).toEqual({ at: "2030-01-01T00:00:00.000Z", error: { name: "Error", message: "boom" }, nan: null, n: "10" });
    expect(sanitizeAuditDetail(undefined)).toBeUndefined();
    expect(sanitizeAuditDetail("just text")).toEqual({ value: "just text" });
  });
});
