/**
 * The token broker's two paths against the real built-in IdP (served from
 * this process, tests/helpers/in-process-idp.ts) and the Nextcloud sandbox:
 *
 * - background: concurrent refreshes of one grant all succeed, rotate the
 *   refresh token strictly in sequence (the IdP's reuse detection never
 *   fires), and an invalid_grant marks the grant revoked (an unreachable IdP:
 *   broker-unreachable-idp.test.ts).
 * - session: a Nextcloud tool call through the MCP server never selects (let
 *   alone decrypts) the stored refresh token — watched at the database client
 *   itself, with the background path as the control that the watch works.
 */
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { backgroundToken, NotProvisionedError } from "@/lib/broker/background-token";
import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db";
import { getProvider } from "@/lib/idp/provider";
import { runBackgroundJob } from "@/lib/jobs/run-background-job";
import { getGrant } from "@/lib/provisioning/grant-store";
import { recordHybridGrant } from "@/lib/idp/record-hybrid-grant";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { testDbKind } from "../helpers/databases";
import { connectInMemoryMcpClient, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";
import { freePort } from "../helpers/ports";

const kind = testDbKind();
const AUDIENCE = "nextcloud";

type Watched = { operation: string; select?: Record<string, unknown> };

describe(`broker paths against the real IdP on ${kind}`, () => {
  let idp: InProcessIdp;
  let sandbox: Sandbox;
  let alice: string;
  const watched: Watched[] = [];

  beforeAll(async () => {
    const sandboxPort = await freePort();
    // Hybrid mode lets the test obtain a real refresh token in-process (as the client's consent would).
    idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false", SANDBOX_PORT: String(sandboxPort) });
    sandbox = await startSandbox({ port: sandboxPort, issuer: getConfig().ISSUER, audience: AUDIENCE, recordTokens: true });
    alice = (await createAccount({ username: "alice", password: "alice-password-123", displayName: "Alice" })).id;
    const saved = await recordHybridGrant({ accountId: alice, clientId: "test", scopes: ["account.read", "notes.read"] });
    expect(saved?.grant.active).toBe(true);

    // Watch every query on the grant table from here on.
    const database = await getDatabase();
    const spied = database.prisma.$extends({
      query: {
        nextcloudGrant: {
          async $allOperations({ operation, args, query }) {
            watched.push({ operation, select: (args as { select?: Record<string, unknown> }).select });
            return query(args);
          },
        },
      },
    });
    (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.db")] = Promise.resolve({ ...database, prisma: spied });
  });
  afterAll(async () => {
    await sandbox?.close();
    await idp?.close();
  });

  const readsRefreshToken = (w: Watched) =>
    /^find|^aggregate|^groupBy/.test(w.operation) && (w.select === undefined || w.select.encryptedRefreshToken === true);

  it("a Nextcloud tool call never reads the refresh token", async () => {
    const client = await connectInMemoryMcpClient(idp, { accountId: alice, scopes: ["account.read"], name: "broker-paths" });

    watched.length = 0;
    const result = await client.callTool({ name: "nc_get_user_info", arguments: {} });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: alice });
    expect(watched.length).toBeGreaterThan(0); // the guard did read the grant (metadata)
    expect(watched.filter(readsRefreshToken)).toEqual([]);
    await client.close();
  });

  it("control: the background path does read it (so the watch above can see it)", async () => {
    watched.length = 0;
    await runBackgroundJob({ kind: "test", userId: alice }, (job) => backgroundToken(job, ["account.read"]));
    expect(watched.filter(readsRefreshToken).length).toBeGreaterThan(0);
  });

  it("concurrent background refreshes all succeed, rotate in sequence and keep the grant", async () => {
    const before = (await getGrant(alice, AUDIENCE))!;
    const jwks = createRemoteJWKSet(new URL(`${getConfig().ISSUER}/jwks`));
    const tokens = await Promise.all(
      Array.from({ length: 5 }, () => runBackgroundJob({ kind: "test", userId: alice }, (job) => backgroundToken(job, ["notes.read"]))),
    );
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(5);
    for (const t of tokens) {
      expect(t.kind).toBe("background");
      const { payload } = await jwtVerify(t.accessToken, jwks, { issuer: getConfig().ISSUER, audience: AUDIENCE });
      expect(payload).toMatchObject({ sub: alice, scope: "notes.read" });
    }
    const after = (await getGrant(alice, AUDIENCE))!;
    expect(after.active).toBe(true);
    expect(after.version).toBe(before.version + 10); // five claims, five rotated tokens
    // The chain is intact: one more refresh works (a reused token would have made the IdP revoke the grant).
    await runBackgroundJob({ kind: "test", userId: alice }, (job) => backgroundToken(job, ["account.read"]));
  });

  it("a job asking beyond the grant is refused before the IdP is asked", async () => {
    await expect(runBackgroundJob({ kind: "test", userId: alice }, (job) => backgroundToken(job, ["files.write"]))).rejects.toBeInstanceOf(NotProvisionedError);
  });

  it("invalid_grant from the IdP marks the grant revoked and asks the user to provision again", async () => {
    const grant = (await getGrant(alice, AUDIENCE))!;
    const provider = await getProvider();
    await (await provider.Grant.find(grant.idpGrantId!))!.destroy(); // revoked at the IdP, out of band
    const error = await runBackgroundJob({ kind: "test", userId: alice }, (job) => backgroundToken(job, ["account.read"])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotProvisionedError);
    expect((error as Error).message).toMatch(/provision/);
    const after = (await getGrant(alice, AUDIENCE))!;
    expect(after.active).toBe(false);
    expect(after.revokedAt).not.toBeNull();
    const prisma = (await getDatabase()).prisma;
    const audit = await prisma.auditEvent.findMany({ where: { userId: alice, event: "revoked" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toMatch(/eyJ/); // no token values
  });
});
