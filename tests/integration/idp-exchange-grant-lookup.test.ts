/**
 * The token exchange reads the subject's grant and this server's grants for
 * the user in one query (lib/idp/prisma-adapter.ts findGrantPayloads). These
 * cases make sure the single read still fails closed: a destroyed subject
 * grant, a destroyed Nextcloud grant, another user's grant id, an expired grant.
 */
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { getConfig } from "@/lib/config";
import { findGrantIds, findGrantPayloads } from "@/lib/idp/prisma-adapter";
import { getProvider } from "@/lib/idp/provider";
import { recordHybridGrant } from "@/lib/idp/record-hybrid-grant";
import { testDbKind } from "../helpers/databases";
import { exchangeForNextcloud } from "../helpers/idp-app";
import { mintMcpAccessToken, SERVER_SECRET, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";

describe(`token exchange grant lookup on ${testDbKind()}`, () => {
  let idp: InProcessIdp;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    // Hybrid mode: the subject's grant and this server's grant both count, so both lookups matter.
    idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false" });
    alice = (await createAccount({ username: "alice", password: "alice-password-123", displayName: "Alice" })).id;
    bob = (await createAccount({ username: "bob", password: "bob-password-4567", displayName: "Bob" })).id;
    await recordHybridGrant({ accountId: alice, clientId: "test", scopes: ["notes.read"] });
  });
  afterAll(async () => {
    await idp?.close();
  });

  const exchange = async (subjectToken: string) => {
    const res = await exchangeForNextcloud(idp.url, subjectToken, "notes.read", { clientSecret: SERVER_SECRET, audience: getConfig().NEXTCLOUD_AUDIENCE });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  it("one query finds the subject's grant and this server's grants, and nothing of another user", async () => {
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    const gid = decodeJwt(token).gid as string;
    const serverGrants = await findGrantIds(alice, getConfig().OIDC_CLIENT_ID);
    expect(serverGrants.length).toBeGreaterThan(0);
    const found = await findGrantPayloads({ ids: [gid], accountId: alice, clientId: getConfig().OIDC_CLIENT_ID });
    expect(found.byId.get(gid)?.accountId).toBe(alice);
    expect(found.ofClient).toEqual(serverGrants);
    // Bob asking with Alice's grant id: the row comes back by id (the exchange then refuses it: accountId differs), but none of Alice's server grants do.
    const forBob = await findGrantPayloads({ ids: [gid], accountId: bob, clientId: getConfig().OIDC_CLIENT_ID });
    expect(forBob.ofClient).toEqual([]);
    expect(forBob.byId.get(gid)?.accountId).toBe(alice);
    expect((await exchange(token)).status).toBe(200);
  });

  it("refuses a subject token whose own grant was destroyed (revoked connection)", async () => {
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    expect((await exchange(token)).status).toBe(200);
    const provider = await getProvider();
    await (await provider.Grant.find(decodeJwt(token).gid as string))!.destroy();
    const { status, body } = await exchange(token);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/revoked/) });
  });

  it("refuses a subject token whose grant has expired", async () => {
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    const provider = await getProvider();
    const grant = (await provider.Grant.find(decodeJwt(token).gid as string))!;
    // Stored again with one second left (the row's expires_at and the payload's exp), then let it run out.
    (grant as unknown as { exp: number }).exp = Math.floor(Date.now() / 1000) + 1;
    await grant.save();
    await new Promise((r) => setTimeout(r, 2100));
    expect((await exchange(token)).status).toBe(400);
  });

  it("refuses the exchange once this server's Nextcloud grant is gone", async () => {
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    expect((await exchange(token)).status).toBe(200);
    const provider = await getProvider();
    for (const id of await findGrantIds(alice, getConfig().OIDC_CLIENT_ID)) await (await provider.Grant.find(id))!.destroy();
    const { status, body } = await exchange(token);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/provision/) });
  });
});
