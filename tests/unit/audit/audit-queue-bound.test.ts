/**
 * The audit writer's queue is bounded (issue 19 defect 11): while the
 * database does not answer, at most MAX_QUEUED events wait; newer ones are
 * dropped and counted, the caller is never held up by them, and one warning
 * says how many were dropped (never what they held). flushAuditEvents waits
 * for what is queued, bounded by a timeout.
 *
 * The database here is a TCP server that accepts connections and never
 * answers, so the first write hangs and the queue fills up behind it.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditQueueStats, flushAuditEvents, MAX_BATCH, MAX_QUEUED, recordAuditEvent } from "@/lib/audit/record-audit-event";
import { closeDatabase } from "@/lib/db";

let silent: Server;
const sockets = new Set<Socket>();
const saved = process.env.DATABASE_URL;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  process.env.DATABASE_URL = `postgres://nobody@127.0.0.1:${(silent.address() as { port: number }).port}/none?connect_timeout=60`;
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await closeDatabase().catch(() => {});
  if (saved === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = saved;
});

describe("bounded audit queue", () => {
  it("drops and counts events beyond MAX_QUEUED, warns once with the count only, and never holds the caller", async () => {
    const warnings = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const before = auditQueueStats().dropped;
      // The first MAX_BATCH events start a write that hangs; MAX_QUEUED more fill the queue behind it.
      const waiting = Array.from({ length: MAX_BATCH + MAX_QUEUED }, (_, i) => recordAuditEvent({ event: "exchange_issued", outcome: "success", userId: "u", tool: `t${i}` }));
      for (const p of waiting) p.catch(() => {});
      expect(auditQueueStats().queued).toBe(MAX_QUEUED);
      // Beyond the bound: settled at once, dropped, counted.
      const dropped = Array.from({ length: 7 }, () => recordAuditEvent({ event: "revoked", outcome: "success", userId: "u", detail: { marker: "dropped-row-marker" } }));
      await expect(Promise.all(dropped)).resolves.toHaveLength(7);
      expect(auditQueueStats()).toEqual({ queued: MAX_QUEUED, dropped: before + 7 });

      const deadline = Date.now() + 5_000;
      const dropWarnings = () => warnings.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("audit events dropped"));
      while (dropWarnings().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(dropWarnings()).toHaveLength(1);
      expect(dropWarnings()[0]).toMatch(/"dropped":7\b/);
      expect(warnings.mock.calls.join("\n")).not.toContain("dropped-row-marker");

      // A flush cannot finish while the database hangs: it gives up at its timeout and says so.
      const started = Date.now();
      expect(await flushAuditEvents(200)).toBe(false);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      warnings.mockRestore();
    }
  });
});
