/**
 * With the built-in IdP the broker's RFC 8693 exchange is handed to the
 * provider inside the process (lib/idp/in-process-transport.ts) instead of a
 * loopback HTTP request. It must be the same exchange: for each case the
 * in-process path refuses exactly what the HTTP path refuses (same RFC 6749
 * §5.2 error code and description) and the broker writes the same audit rows.
 * The HTTP side is the same openid-client Configuration with its transport
 * switched back to a socket for the call.
 */
import { decodeJwt } from "jose";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { flushAuditEvents } from "@/lib/audit/record-audit-event";
import { ACCESS_TOKEN_TYPE, exchangeSessionToken, TOKEN_EXCHANGE_GRANT } from "@/lib/broker/exchange-session-token";
import { idpClient } from "@/lib/oidc/idp-client";
import { classifyIdpError } from "@/lib/oidc/idp-errors";
import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db";
import { getProvider } from "@/lib/idp/provider";
import { recordHybridGrant } from "@/lib/idp/record-hybrid-grant";
import { testDbKind } from "../helpers/databases";
import { mintMcpAccessToken, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";

type Transport = "in-process" | "http";

describe(`the in-process token exchange matches the HTTP one on ${testDbKind()}`, () => {
  let idp: InProcessIdp;
  let alice: string;
  let expiredToken: string;

  beforeAll(async () => {
    idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false" });
    alice = (await createAccount({ username: "alice", password: "alice-password-123", displayName: "Alice" })).id;
    await recordHybridGrant({ accountId: alice, clientId: "test", scopes: ["notes.read"] });
    // Minted now with one second to live; expired by the time the last test uses it (every test before it takes longer).
    expiredToken = (await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"], expiresIn: 1 })).token;
  });
  afterAll(async () => {
    await idp?.close();
  });

  /** Runs `call` with the broker's IdP client on the given transport (the in-process fetch is its default here). */
  async function over<T>(transport: Transport, call: () => Promise<T>): Promise<T> {
    const client = await idpClient();
    const inProcess = client[oidc.customFetch];
    expect(inProcess).toBeTypeOf("function");
    if (transport === "http") client[oidc.customFetch] = ((url: string, init: RequestInit) => fetch(url, init)) as never;
    try {
      return await call();
    } finally {
      client[oidc.customFetch] = inProcess!;
    }
  }

  /** The broker's exchange on one transport: the refusal (or "issued") and the audit rows it wrote, without ids and times. */
  async function brokerExchange(transport: Transport, token: string, scopes: string[]) {
    const subject = { token, sub: alice, clientId: decodeJwt(token).client_id as string };
    const tool = `probe-${transport}`;
    // Checked here, outside the refusal handler below: a missing in-process transport fails the test as
    // itself, not as an "IdP unreachable" outcome (which is how a shared worker's lost transport showed).
    expect((await idpClient())[oidc.customFetch]).toBeTypeOf("function");
    const outcome = await over(transport, () => exchangeSessionToken(subject, scopes, { tool })).then(
      (t) => ({ issued: t.scopes }),
      (error: unknown) => {
        const e = classifyIdpError(error);
        return { refused: e.name, error: "error" in e ? e.error : undefined, description: "description" in e ? e.description : undefined };
      },
    );
    await flushAuditEvents();
    const { prisma } = await getDatabase();
    const rows = await prisma.auditEvent.findMany({ where: { tool }, orderBy: { at: "asc" } });
    await prisma.auditEvent.deleteMany({ where: { tool } });
    return { outcome, audit: rows.map((r) => ({ event: r.event, outcome: r.outcome, userId: r.userId, clientId: r.clientId, scopes: r.scopes, detail: r.detail })) };
  }

  async function both(token: string, scopes: string[]) {
    const inProcess = await brokerExchange("in-process", token, scopes);
    const http = await brokerExchange("http", token, scopes);
    expect(inProcess).toEqual(http);
    expect(inProcess.audit.length).toBe(1);
    return inProcess;
  }

  it("issues the same token for a permitted exchange, audited alike", async () => {
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    const result = await both(token, ["notes.read"]);
    expect(result.outcome).toEqual({ issued: ["notes.read"] });
    expect(result.audit[0]).toMatchObject({ event: "exchange_issued", outcome: "success" });
  });

  it("refuses scopes that were not provisioned", async () => {
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read", "notes.write"] });
    const result = await both(token, ["notes.write"]);
    expect(result.outcome).toMatchObject({ refused: "IdpRefusedError", error: "invalid_scope" });
    expect(result.audit[0]).toMatchObject({ event: "exchange_denied", outcome: "denied" });
  });

  it("refuses a subject token whose grant was revoked", async () => {
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    const provider = await getProvider();
    await (await provider.Grant.find(decodeJwt(token).gid as string))!.destroy();
    const result = await both(token, ["notes.read"]);
    expect(result.outcome).toMatchObject({ refused: "IdpRefusedError", error: "invalid_grant", description: expect.stringMatching(/revoked/) });
  });

  it("refuses a target other than Nextcloud (RFC 8693 §2.1 audience) with the same error", async () => {
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    const ask = (transport: Transport) =>
      over(transport, async () =>
        oidc.genericGrantRequest(await idpClient(), TOKEN_EXCHANGE_GRANT, { subject_token: token, subject_token_type: ACCESS_TOKEN_TYPE, audience: "https://elsewhere.example", scope: "notes.read" }),
      ).then(
        () => "issued",
        (error: unknown) => classifyIdpError(error),
      );
    const inProcess = await ask("in-process");
    const http = await ask("http");
    expect(inProcess).toEqual(http);
    expect(inProcess).toMatchObject({ name: "IdpRefusedError", error: "invalid_target" });
  });

  it("refuses an expired subject token", async () => {
    // Poll (no fixed sleep) until the one-second token has run out by the IdP's clock.
    while (Date.now() / 1000 < (decodeJwt(expiredToken).exp as number) + 1) await new Promise((r) => setTimeout(r, 100));
    const result = await both(expiredToken, ["notes.read"]);
    expect(result.outcome).toMatchObject({ refused: "IdpRefusedError", error: "invalid_grant", description: "subject_token is expired" });
  });
});
