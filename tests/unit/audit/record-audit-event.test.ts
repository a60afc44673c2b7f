/**
 * Auditing never breaks the action it records: with the database
 * unreachable, recordAuditEvent resolves and logs the failure without the
 * detail. (Writing to real databases: tests/integration/audit-events.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { closeDatabase } from "@/lib/db";

beforeAll(() => {
  // Nothing listens on port 1: the connection is refused at once.
  process.env.DATABASE_URL = "postgres://nobody@127.0.0.1:1/none";
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
});
afterAll(async () => {
  await closeDatabase().catch(() => {});
});

describe("recordAuditEvent", () => {
  it("does not throw into the caller when the write fails, and logs no detail", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(
        recordAuditEvent({ event: "exchange_denied", outcome: "denied", userId: "alice", detail: { reason: "scope-missing-marker" } }),
      ).resolves.toBeUndefined();
      const lines = errors.mock.calls.map((c) => String(c[0]));
      expect(lines.some((l) => l.includes("could not record an audit event") && l.includes("exchange_denied"))).toBe(true);
      expect(lines.join("\n")).not.toContain("scope-missing-marker");
    } finally {
      errors.mockRestore();
    }
  });
});
