/**
 * Audit events on a real database of each kind: every event name stores who,
 * which client and tool, which scopes and the outcome, and the stored detail
 * holds no credential.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_EVENTS, recordAuditEvent } from "@/lib/audit/record-audit-event";
import { openInProcessDatabase, type InProcessDatabase } from "../helpers/in-process-database";

let h: InProcessDatabase;
beforeAll(async () => {
  h = await openInProcessDatabase();
});
afterAll(async () => h?.close());

describe("recordAuditEvent", () => {
  it("stores each event kind with its who, what and outcome", async () => {
    for (const event of AUDIT_EVENTS) {
      await recordAuditEvent({ event, outcome: "success", userId: "alice", clientId: "https://client.example/cimd.json", tool: "nc_get_user_info", scopes: ["account.read", "account.read"] });
    }
    const rows = await h.prisma.auditEvent.findMany({ where: { userId: "alice" }, orderBy: { at: "asc" } });
    expect(rows.map((r) => r.event).sort()).toEqual([...AUDIT_EVENTS].sort());
    expect(rows[0]).toMatchObject({ outcome: "success", clientId: "https://client.example/cimd.json", tool: "nc_get_user_info", scopes: ["account.read"], detail: null });
  });

  it("stores a sanitised detail: no token, secret or code ever reaches the row", async () => {
    await recordAuditEvent({
      event: "exchange_denied",
      outcome: "denied",
      userId: "bob",
      tool: "nc_notes_get",
      scopes: ["notes.read"],
      detail: { reason: "grant lacks notes.read", subject_token: "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJib2IifQ.sig", code: "auth-code", upstream: { refresh_token: "rt" } },
    });
    const row = await h.prisma.auditEvent.findFirstOrThrow({ where: { userId: "bob" } });
    expect(row.detail).toEqual({ reason: "grant lacks notes.read", upstream: {} });
    expect(JSON.stringify(row)).not.toMatch(/eyJ|auth-code|"rt"/);
  });

  it("refuses an unknown event name without throwing (and stores nothing)", async () => {
    await expect(recordAuditEvent({ event: "made_up" as never, outcome: "success", userId: "carol" })).resolves.toBeUndefined();
    expect(await h.prisma.auditEvent.count({ where: { userId: "carol" } })).toBe(0);
  });
});
