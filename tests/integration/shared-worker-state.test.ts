/**
 * State that must survive, or must not survive, from one use to the next in
 * one process: a CLI command opening two databases, or test files sharing a
 * worker (isolate: false in vitest.config.ts, tests/helpers/file-isolation.ts
 * forgetting the process-wide values between files).
 *
 * - Audit rows and the database they belong to: an event is written to the
 *   database that was open when it was recorded, or not at all; it never
 *   opens a database again after a close, and never lands in the next one.
 *   And the in-process test database closes whatever database an earlier
 *   file left open, so its own rows land in its own database.
 * - The built-in IdP's in-process transport (lib/oidc/idp-client.ts) is
 *   registered again when the process-wide values were forgotten: it was set
 *   only when lib/idp/provider.ts loaded, so a second file in a worker sent
 *   the broker's exchange over HTTP (idp-exchange-in-process failed there).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { flushAuditEvents, LINGER_MS, recordAuditEvent } from "@/lib/audit/record-audit-event";
import * as oidc from "openid-client";
import { closeDatabase, db, type PrismaClient } from "@/lib/db";
import { getProvider } from "@/lib/idp/provider";
import { idpClient } from "@/lib/oidc/idp-client";
import { peekProcessWide } from "@/lib/process-wide";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { openInProcessDatabase } from "../helpers/in-process-database";
import { startInProcessIdp } from "../helpers/in-process-idp";

const kind = testDbKind();
const dropLater: TestDatabase[] = [];

/** Points this process at `database` the way lib/ code finds it (process.env, then the config cache). */
function useEnvOf(database: TestDatabase): void {
  delete process.env.DATABASE_URL;
  delete process.env.DATA_DIR;
  Object.assign(process.env, { NODE_ENV: "test", TOKEN_ENCRYPTION_KEYS: "k1:bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE=" }, database.env);
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
}

/** A marker only this database holds, to tell databases apart through any client. */
async function mark(prisma: PrismaClient, marker: string): Promise<void> {
  await prisma.$executeRawUnsafe(`INSERT INTO "audit_events" ("id", "at", "event", "outcome", "tool", "scopes") VALUES ($1, now(), 'revoked', 'success', $2, '{}')`, crypto.randomUUID(), marker);
}
const toolsIn = async (prisma: PrismaClient) => (await prisma.auditEvent.findMany({ select: { tool: true } })).map((r) => r.tool).sort();

afterEach(async () => {
  await flushAuditEvents();
  await closeDatabase();
  for (const database of dropLater.splice(0)) await database.drop();
});

describe(`audit rows and the database they were recorded for, on ${kind}`, () => {
  it("an event recorded just before its database is closed is not written into the database opened next (nor reopens the closed one)", async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    dropLater.push(first, second);
    useEnvOf(first);
    await mark(await db(), "marker-first");
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    // Not awaited, as the broker records its exchanges; the database is closed within LINGER_MS, before the row is out.
    const lost = recordAuditEvent({ event: "exchange_issued", outcome: "success", tool: "recorded-on-first" });
    await closeDatabase();
    useEnvOf(second);
    const prisma = await db();
    await recordAuditEvent({ event: "exchange_issued", outcome: "success", tool: "recorded-on-second" });
    await lost;
    await new Promise((r) => setTimeout(r, 5 * LINGER_MS));
    expect(await flushAuditEvents()).toBe(true);

    // The process's database is the second one: the first was not opened again behind the close.
    expect(peekProcessWide("db")).toBeDefined();
    expect(await toolsIn(prisma)).toEqual(["recorded-on-second"]);
    // The lost row was reported (event name and reason, no content), not silently dropped.
    const reported = errors.mock.calls.map((c) => String(c[0])).filter((line) => line.includes("could not record an audit event"));
    expect(reported).toEqual([expect.stringMatching(/exchange_issued[\s\S]*closed before they were written/)]);
    errors.mockRestore();
    await closeDatabase();

    useEnvOf(first);
    expect(await toolsIn(await db())).toEqual(["marker-first"]);
  });

  it("a second in-process test database gets its own rows, although the first was left open", async () => {
    const left = await openInProcessDatabase();
    dropLater.push(left.database);
    await mark(left.prisma, "marker-left-open");
    void recordAuditEvent({ event: "revoked", outcome: "success", tool: "recorded-on-left-open" });

    const next = await openInProcessDatabase();
    try {
      expect(next.prisma === left.prisma).toBe(false);
      await recordAuditEvent({ event: "revoked", outcome: "success", tool: "recorded-on-next" });
      expect(await toolsIn(next.prisma)).toEqual(["recorded-on-next"]);
    } finally {
      await next.close();
    }
    // The first database kept what was recorded while it was open, written before it was closed.
    useEnvOf(left.database);
    expect(await toolsIn(await db())).toEqual(["marker-left-open", "recorded-on-left-open"]);
  });
});

describe("the built-in IdP's in-process transport, after the process-wide values were forgotten", () => {
  it("is registered again by the next provider, so the broker's client still skips the socket", async () => {
    for (const round of [1, 2]) {
      const idp = await startInProcessIdp();
      try {
        await getProvider();
        const client = await idpClient();
        expect(typeof client[oidc.customFetch], `round ${round}`).toBe("function");
      } finally {
        await idp.close();
      }
      // What tests/helpers/file-isolation.ts does between two files in one worker (the modules stay loaded).
      const holder = globalThis as Record<symbol, unknown>;
      for (const key of Object.getOwnPropertySymbols(holder)) if (key.description?.startsWith("nextcloud-mcp.")) delete holder[key];
    }
  });
});
