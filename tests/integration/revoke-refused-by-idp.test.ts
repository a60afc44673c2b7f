/**
 * Revocation that the IdP did not perform must not pass for one (RFC 7009).
 * A stub external IdP on 127.0.0.1 answers the revocation request as told:
 *
 * - 200 (RFC 7009 §2.2: also the answer for an invalid or unknown token) and
 *   invalid_grant / invalid_token (the token is already dead there) mean
 *   nothing is left to revoke: the grant is deleted, audited atIdp true;
 * - invalid_client, unsupported_token_type, a 5xx or no answer mean the token
 *   may still be live at the IdP: the grant stays, the caller is told, and
 *   the failure is audited (outcome error, atIdp false).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IdpRefusedError, IdpUnreachableError } from "@/lib/oidc/idp-errors";
import { getGrant, saveGrant } from "@/lib/provisioning/grant-store";
import { revokeNextcloudGrant } from "@/lib/provisioning/revoke-nextcloud-grant";
import { openInProcessDatabase, type InProcessDatabase } from "../helpers/in-process-database";

type Answer = { status: number; body?: unknown };
const REFRESH_TOKEN = "stored-refresh-token-for-revocation-tests";

describe("revocation refused by an external IdP", () => {
  let database: InProcessDatabase;
  let server: Server;
  let answer: Answer = { status: 200 };
  const revocationRequests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/nextcloud`;
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
        res.end(body === undefined ? "" : JSON.stringify(body));
      };
      if (req.url === "/realms/nextcloud/.well-known/openid-configuration") {
        return send(200, {
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          revocation_endpoint: `${issuer}/revoke`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
        });
      }
      if (req.url === "/realms/nextcloud/revoke" && req.method === "POST") {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
          revocationRequests.push(body);
          send(answer.status, answer.body);
        });
        return;
      }
      send(404, { error: "not_found" });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    database = await openInProcessDatabase({
      NODE_ENV: "test",
      APP_URL: "http://127.0.0.1:3999",
      OIDC_ISSUER: `http://127.0.0.1:${port}/realms/nextcloud`,
      OIDC_CLIENT_SECRET: "external-idp-client-secret-0123",
    });
  });
  afterAll(async () => {
    await database?.close();
    await new Promise((resolve) => server?.close(resolve));
  });
  beforeEach(async () => {
    await database.prisma.nextcloudGrant.deleteMany({});
    await database.prisma.auditEvent.deleteMany({});
    await saveGrant({ userId: "alice", audience: "nextcloud", flowType: "flow2", scopes: ["notes.read"], clientId: "client-1", refreshToken: REFRESH_TOKEN });
    revocationRequests.length = 0;
  });

  const auditRows = () => database.prisma.auditEvent.findMany({ where: { event: "revoked" } });

  it.each<[string, Answer, new (...args: never[]) => Error]>([
    ["invalid_client (401)", { status: 401, body: { error: "invalid_client", error_description: "client authentication failed" } }, IdpRefusedError],
    ["unsupported_token_type (400)", { status: 400, body: { error: "unsupported_token_type" } }, IdpRefusedError],
    ["invalid_request (400)", { status: 400, body: { error: "invalid_request" } }, IdpRefusedError],
    ["server_error (500)", { status: 500, body: { error: "server_error" } }, IdpUnreachableError],
    ["a 502 without a body", { status: 502 }, IdpUnreachableError],
  ])("keeps the grant when the IdP answers %s, and audits the failure", async (_label, refusal, kind) => {
    answer = refusal;
    const error = await revokeNextcloudGrant({ userId: "alice", clientId: "client-1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).not.toContain(REFRESH_TOKEN);
    expect(revocationRequests).toHaveLength(1);
    expect((await getGrant("alice", "nextcloud"))?.active).toBe(true);
    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "error", userId: "alice", clientId: "client-1", scopes: ["notes.read"], detail: { atIdp: false, by: "user" } });
    expect(JSON.stringify(rows)).not.toContain(REFRESH_TOKEN);
  });

  it.each<[string, Answer]>([
    ["200 (revoked, or already invalid: RFC 7009 §2.2)", { status: 200 }],
    ["invalid_grant (the token is already dead there)", { status: 400, body: { error: "invalid_grant" } }],
    ["invalid_token", { status: 400, body: { error: "invalid_token" } }],
  ])("deletes the grant when the IdP answers %s", async (_label, reply) => {
    answer = reply;
    expect(await revokeNextcloudGrant({ userId: "alice", clientId: "client-1" })).toEqual({ revoked: true, scopes: ["notes.read"], atIdp: true, nextcloud: "none" });
    expect(revocationRequests).toHaveLength(1);
    expect(revocationRequests[0]).toContain("token_type_hint=refresh_token");
    expect(await getGrant("alice", "nextcloud")).toBeNull();
    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "success", detail: { atIdp: true, by: "user" } });
  });
});
