/**
 * The dashboard's data functions on a real database of each kind, next to the
 * real built-in IdP (in-process): connections come from the IdP's grants of
 * the signed-in account only; revoking one removes the grant and its tokens
 * (and the MCP verifier refuses the grant's JWTs) without touching anyone
 * else's; the activity log pages and filters the person's own events; admin
 * changes respect the protected and configured clients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { InvalidAccessTokenError } from "@/lib/auth/access-token-verifier";
import { checkClient, clearClientCache, recordClient } from "@/lib/auth/client-registry";
import { verifyAccessToken } from "@/lib/auth/verify-access-token";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getConfig } from "@/lib/config";
import { changeClientRegistration } from "@/lib/dashboard/change-client-registration";
import { ACTIVITY_PAGE_SIZE, activityFilterSchema, listActivity } from "@/lib/dashboard/list-activity";
import { listConnections } from "@/lib/dashboard/list-connections";
import { listRegisteredClients } from "@/lib/dashboard/list-registered-clients";
import { revokeConnection } from "@/lib/dashboard/revoke-connection";
import { getProvider } from "@/lib/idp/provider";
import { testDbKind } from "../helpers/databases";
import { mintMcpAccessToken, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";

const kind = testDbKind();

describe(`dashboard data on ${kind}`, () => {
  let idp: InProcessIdp;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    idp = await startInProcessIdp({ ALLOWED_MCP_CLIENTS: "configured-app|http://127.0.0.1/cb" });
    alice = (await createAccount({ username: "alice", password: "alice-password-123", displayName: "Alice" })).id;
    bob = (await createAccount({ username: "bob", password: "bob-password-12345", displayName: "Bob" })).id;
  });
  afterAll(async () => idp?.close());

  async function ownGrant(accountId: string, clientId: string): Promise<string> {
    const provider = await getProvider();
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope("openid profile");
    return grant.save();
  }

  it("lists a person's own connections, without this server's client, with scopes explained by name", async () => {
    const minted = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read", "files.read"] });
    await ownGrant(alice, getConfig().OIDC_CLIENT_ID);
    const list = await listConnections({ userId: alice });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ clientId: minted.clientId, name: "In-process MCP client", kind: "dynamic", scopes: ["notes.read", "files.read"], identityScopes: ["openid"] });
    expect(await listConnections({ userId: bob })).toEqual([]);
  });

  it("revoking removes the person's grants and tokens, the JWT stops verifying, others are untouched", async () => {
    const minted = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    const bobsGrant = await ownGrant(bob, minted.clientId);
    const [alicesGrant] = (await listConnections({ userId: alice })).find((c) => c.clientId === minted.clientId)!.grantIds;
    await idp.db.prisma.oidcPayload.create({ data: { model: "RefreshToken", id: "sha256:test-refresh", grantId: alicesGrant!, accountId: alice, clientId: minted.clientId, payload: {} } });
    expect((await verifyAccessToken(minted.token)).sub).toBe(alice);

    // Bob cannot revoke Alice's connection: his own (other) grant is the only one his request can reach.
    expect(await revokeConnection({ userId: bob, clientId: "someone-elses-client" })).toEqual({ revoked: false, reason: "not_found" });
    expect(await revokeConnection({ userId: alice, clientId: getConfig().OIDC_CLIENT_ID })).toEqual({ revoked: false, reason: "not_allowed" });

    expect(await revokeConnection({ userId: alice, clientId: minted.clientId })).toEqual({ revoked: true, grants: 1 });
    expect(await idp.db.prisma.oidcPayload.count({ where: { grantId: alicesGrant! } })).toBe(0);
    expect(await idp.db.prisma.oidcPayload.count({ where: { model: "Grant", id: alicesGrant! } })).toBe(0);
    expect(await idp.db.prisma.oidcPayload.count({ where: { model: "Grant", id: bobsGrant } })).toBe(1);
    await expect(verifyAccessToken(minted.token)).rejects.toMatchObject({ reason: "grant_revoked" } satisfies Partial<InvalidAccessTokenError>);

    const audit = await idp.db.prisma.auditEvent.findFirstOrThrow({ where: { userId: alice, event: "revoked", clientId: minted.clientId } });
    expect(audit.detail).toMatchObject({ target: "mcp_connection", by: "dashboard" });
    expect(await revokeConnection({ userId: alice, clientId: minted.clientId })).toEqual({ revoked: false, reason: "not_found" });
  });

  it("pages and filters only the person's own activity, newest first", async () => {
    for (let i = 0; i < ACTIVITY_PAGE_SIZE + 3; i++) {
      await recordAuditEvent({ event: "guard_refused", outcome: "denied", userId: bob, clientId: "client-a", tool: i % 2 === 0 ? "nc_notes_get" : "nc_get_user_info" });
    }
    await recordAuditEvent({ event: "exchange_issued", outcome: "success", userId: bob, clientId: "client-b", tool: "nc_notes_get" });
    await recordAuditEvent({ event: "exchange_issued", outcome: "success", userId: alice, clientId: "client-a", tool: "nc_notes_get" });

    const first = await listActivity({ userId: bob, filter: activityFilterSchema.parse({}) });
    expect(first).toMatchObject({ page: 1, pages: 2, total: ACTIVITY_PAGE_SIZE + 4 });
    expect(first.events[0]).toMatchObject({ event: "exchange_issued", clientId: "client-b" });
    expect(first.clients.map((c) => c.id).sort()).toEqual(["client-a", "client-b"]);
    expect(first.tools).toEqual(["nc_get_user_info", "nc_notes_get"]);
    expect((await listActivity({ userId: bob, filter: activityFilterSchema.parse({ page: "2" }) })).events).toHaveLength(4);
    const filtered = await listActivity({ userId: bob, filter: activityFilterSchema.parse({ outcome: "success", tool: "nc_notes_get" }) });
    expect(filtered.total).toBe(1);
    expect((await listActivity({ userId: bob, filter: activityFilterSchema.parse({ client: "client-a", outcome: "denied" }) })).total).toBe(ACTIVITY_PAGE_SIZE + 3);
    // Garbage filters fall back to "no filter" instead of failing.
    expect(activityFilterSchema.parse({ page: "-4", outcome: "<script>", client: "" })).toEqual({ page: 1, client: undefined, tool: undefined, outcome: undefined });
  });

  it("admin changes: disable/enable take effect, this server's client is protected, configured clients are not deleted", async () => {
    const minted = await mintMcpAccessToken(idp, { accountId: bob, scopes: ["notes.read"] });
    expect(await changeClientRegistration({ adminId: alice, change: { clientId: minted.clientId, change: "disable" } })).toEqual({ ok: true });
    clearClientCache();
    expect(await checkClient(minted.clientId)).toMatchObject({ allowed: false, reason: "client_disabled" });
    expect(await changeClientRegistration({ adminId: alice, change: { clientId: minted.clientId, change: "enable" } })).toEqual({ ok: true });
    expect((await checkClient(minted.clientId)).allowed).toBe(true);

    expect(await changeClientRegistration({ adminId: alice, change: { clientId: getConfig().OIDC_CLIENT_ID, change: "disable" } })).toEqual({ ok: false, reason: "protected" });
    await recordClient({ clientId: "configured-app", kind: "preregistered", name: "configured-app", redirectUris: [] });
    expect(await changeClientRegistration({ adminId: alice, change: { clientId: "configured-app", change: "delete" } })).toEqual({ ok: false, reason: "configured" });
    expect(await changeClientRegistration({ adminId: alice, change: { clientId: "nobody", change: "disable" } })).toEqual({ ok: false, reason: "not_found" });
    await expect(changeClientRegistration({ adminId: alice, change: { clientId: "x", change: "drop-table" } })).rejects.toThrow();

    const listed = await listRegisteredClients();
    expect(listed.find((c) => c.clientId === minted.clientId)).toMatchObject({ kind: "dynamic", authorizedAccounts: 1 });
    expect(await changeClientRegistration({ adminId: alice, change: { clientId: minted.clientId, change: "delete" } })).toEqual({ ok: true });
    expect(await idp.db.prisma.oidcPayload.count({ where: { clientId: minted.clientId, model: "Grant" } })).toBe(0);
    expect(await idp.db.prisma.oidcPayload.count({ where: { model: "Client", id: minted.clientId } })).toBe(0);
    expect(await (await getProvider()).Client.find(minted.clientId)).toBeUndefined();
    expect((await listRegisteredClients()).some((c) => c.clientId === minted.clientId)).toBe(false);
  });
});
