/**
 * An IdP that cannot be reached (external IdP mode, nothing listening): every
 * broker path fails with a retryable error that says so, and nothing is left
 * half-done — the grant keeps its refresh token and version, revocation
 * deletes nothing, a background job is rescheduled.
 */
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backgroundToken } from "@/lib/broker/background-token";
import { IdpUnreachableError } from "@/lib/oidc/idp-errors";
import { runBackgroundJob, runDueJobs } from "@/lib/jobs/run-background-job";
import { requireProvisioning } from "@/lib/mcp/provisioning-guard";
import { buildToolContext } from "@/lib/mcp/tool-context";
import { getGrant, saveGrant } from "@/lib/provisioning/grant-store";
import { revokeNextcloudGrant } from "@/lib/provisioning/revoke-nextcloud-grant";
import { openInProcessDatabase, type InProcessDatabase } from "../helpers/in-process-database";
import { freePort } from "../helpers/ports";

describe("an unreachable identity provider", () => {
  let database: InProcessDatabase;
  const authInfo: AuthInfo = { token: "header.payload.signature", clientId: "client-1", scopes: ["account.read"], expiresAt: Math.floor(Date.now() / 1000) + 600, extra: { sub: "alice", authDisabled: false } };

  beforeAll(async () => {
    const closed = await freePort(); // nothing listens there
    database = await openInProcessDatabase({ NODE_ENV: "test", APP_URL: "http://127.0.0.1:3999", OIDC_ISSUER: `http://127.0.0.1:${closed}/realms/nextcloud`, OIDC_CLIENT_SECRET: "external-idp-client-secret-0123" });
    await saveGrant({ userId: "alice", audience: "nextcloud", flowType: "flow2", scopes: ["account.read"], clientId: "client-1", refreshToken: "stored-refresh-token-value" });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("background token: retryable error, grant unchanged", async () => {
    const before = (await getGrant("alice", "nextcloud"))!;
    const error = await runBackgroundJob({ kind: "test", userId: "alice" }, (job) => backgroundToken(job, ["account.read"])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdpUnreachableError);
    expect((error as IdpUnreachableError).retryable).toBe(true);
    expect((error as Error).message).not.toContain("stored-refresh-token-value");
    const after = (await getGrant("alice", "nextcloud"))!;
    expect(after.active).toBe(true);
    expect(after.version % 2).toBe(0); // the claim was released
    expect(after.keyId).toBe(before.keyId);
  });

  it("tool call: a tool error that says the IdP cannot be reached and that it is temporary; audited", async () => {
    const { caller, exchange } = buildToolContext(authInfo, new AbortController().signal);
    const outcome = await requireProvisioning({ caller, exchange, tool: "nc_get_user_info", scopes: ["account.read"] });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.result.isError).toBe(true);
    expect(JSON.stringify(outcome.result.content)).toMatch(/cannot be reached.*temporary/);
    await new Promise((r) => setTimeout(r, 200)); // the audit row is written without blocking the call
    const rows = await database.prisma.auditEvent.findMany({ where: { event: "exchange_denied" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "error", userId: "alice", clientId: "client-1", tool: "nc_get_user_info", scopes: ["account.read"] });
    expect(JSON.stringify(rows)).not.toContain(authInfo.token);
  });

  it("revocation: nothing deleted while the IdP cannot revoke", async () => {
    await expect(revokeNextcloudGrant({ userId: "alice" })).rejects.toBeInstanceOf(IdpUnreachableError);
    expect((await getGrant("alice", "nextcloud"))?.active).toBe(true);
  });

  it("the job runner reschedules a job that failed for a retryable reason", async () => {
    const job = await database.prisma.backgroundJob.create({ data: { kind: "nextcloud-probe", userId: "alice" } });
    const ran = await runDueJobs({ "nextcloud-probe": async (ctx) => void (await backgroundToken(ctx, ["account.read"])) });
    expect(ran).toBe(1);
    const after = await database.prisma.backgroundJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(after).toMatchObject({ status: "pending", attempts: 1 });
    expect(after.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(after.lastError).toMatch(/cannot be reached/);
  });
});
