/**
 * Audit events on a real database of each kind: every event name stores who,
 * which client and tool, which scopes and the outcome, and the stored detail
 * holds no credential.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AUDIT_EVENTS, flushAuditEvents, LINGER_MS, recordAuditEvent } from "@/lib/audit/record-audit-event";
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

  it("stores values as bound parameters: array and JSON syntax, quotes and SQL in them arrive unchanged (driver INSERT, no Prisma)", async () => {
    const scopes = ["a,b", "{x}", 'q"uote', "back\\slash", "NULL", "'); DROP TABLE audit_events; --"];
    const detail = { reason: "it's \"quoted\" — ünïcödé {not: json}", nested: { list: [1, "two", null] } };
    await recordAuditEvent({ event: "guard_refused", outcome: "denied", userId: "mallory'--", clientId: "c$1", tool: "t$2::text", scopes, detail });
    const row = await h.prisma.auditEvent.findFirstOrThrow({ where: { userId: "mallory'--" } });
    expect(row).toMatchObject({ clientId: "c$1", tool: "t$2::text", scopes, detail });
    expect(await h.prisma.auditEvent.count()).toBeGreaterThan(0); // the table is still there
  });

  it("refuses an unknown event name without throwing (and stores nothing)", async () => {
    await expect(recordAuditEvent({ event: "made_up" as never, outcome: "success", userId: "carol" })).resolves.toBeUndefined();
    expect(await h.prisma.auditEvent.count({ where: { userId: "carol" } })).toBe(0);
  });

  it("group commit: events recorded within the linger time are stored together, each settling once its row exists", async () => {
    const user = "group-commit";
    const before = Date.now();
    // The first waits LINGER_MS for others; the 59 recorded meanwhile go with it in one INSERT.
    await Promise.all(Array.from({ length: 60 }, (_, i) => recordAuditEvent({ event: "exchange_issued", outcome: "success", userId: user, tool: `t${i}`, scopes: ["notes.read"] })));
    const rows = await h.prisma.auditEvent.findMany({ where: { userId: user } });
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.tool)).size).toBe(60);
    expect(rows.every((r) => r.at.getTime() >= before - 1 && r.at.getTime() <= Date.now())).toBe(true);
    // Rows written by one statement share their inserting transaction (xmin).
    const [counted] = await h.prisma.$queryRaw<{ writes: bigint }[]>`SELECT count(DISTINCT xmin::text) AS writes FROM audit_events WHERE user_id = ${user}`;
    expect(Number(counted!.writes)).toBe(1);
  });

  it("events a few milliseconds apart (one tool call after another) share a statement; a lone one is stored after LINGER_MS", async () => {
    const user = "linger";
    const recorded: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      recorded.push(recordAuditEvent({ event: "exchange_issued", outcome: "success", userId: user, tool: `t${i}` }));
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(recorded);
    const [counted] = await h.prisma.$queryRaw<{ writes: bigint }[]>`SELECT count(DISTINCT xmin::text) AS writes FROM audit_events WHERE user_id = ${user}`;
    expect(Number(counted!.writes)).toBeLessThan(5);
    const started = performance.now();
    await recordAuditEvent({ event: "revoked", outcome: "success", userId: user });
    expect(performance.now() - started).toBeGreaterThanOrEqual(LINGER_MS - 1);
    expect(await h.prisma.auditEvent.count({ where: { userId: user } })).toBe(6);
  });

  it("a row the database refuses costs only itself: the rest of its batch is stored, the failure logged without detail", async () => {
    const user = "bad-row";
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const events = Array.from({ length: 10 }, (_, i) => ({ event: "guard_refused" as const, outcome: "denied" as const, userId: user, tool: i === 4 ? "nul\u0000byte" : `ok${i}`, detail: { reason: "bad-row-marker" } }));
      await Promise.all([recordAuditEvent({ event: "revoked", outcome: "success", userId: user }), ...events.map((e) => recordAuditEvent(e))]);
      const rows = await h.prisma.auditEvent.findMany({ where: { userId: user } });
      expect(rows.map((r) => r.tool).sort()).toEqual([null, "ok0", "ok1", "ok2", "ok3", "ok5", "ok6", "ok7", "ok8", "ok9"]);
      const logged = errors.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("could not record an audit event"));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain("guard_refused");
      expect(logged.join("\n")).not.toContain("bad-row-marker");
    } finally {
      errors.mockRestore();
    }
  });

  it("flushAuditEvents (the shutdown path) returns once every queued event is stored", async () => {
    const user = "flush-at-shutdown";
    // Recorded without waiting, as the provisioning guard does; then the process is asked to stop.
    for (let i = 0; i < 450; i++) void recordAuditEvent({ event: "exchange_issued", outcome: "success", userId: user, tool: `t${i}` });
    expect(await flushAuditEvents(30_000)).toBe(true);
    expect(await h.prisma.auditEvent.count({ where: { userId: user } })).toBe(450);
    expect(await flushAuditEvents(1_000)).toBe(true); // nothing queued: at once
  });
});
