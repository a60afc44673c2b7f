/**
 * The token exchange's grant read is cached per process on PGlite only
 * (lib/idp/prisma-adapter.ts findGrantPayloadsForExchange): there this
 * process is the database's only writer, and every Grant write goes through
 * the adapter, which drops the cache. These cases try to make a cached read
 * outlive what it stands for: a revoked subject grant, a narrowed or removed
 * Nextcloud grant, a new consent after a refusal (a cached "nothing
 * provisioned"), a grant that expires while cached; and the bound. (A read
 * that was running while a grant was written is kept out by the cache's
 * forget-wins rule: tests/unit/cache/ttl-cache.test.ts.) On PostgreSQL
 * (other instances write too) nothing is cached at all.
 */
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/accounts";
import { getConfig } from "@/lib/config";
import {
  findGrantIds,
  findGrantPayloadsForExchange,
  forgetGrantReads,
  GRANT_READ_CACHE_ENTRIES,
  grantReadCacheSize,
} from "@/lib/idp/prisma-adapter";
import { getProvider } from "@/lib/idp/provider";
import { recordHybridGrant } from "@/lib/idp/record-hybrid-grant";
import { nextcloudResourceIndicator } from "@/lib/idp/resources";
import { testDbKind } from "../helpers/databases";
import { exchangeForNextcloud } from "../helpers/idp-app";
import { mintMcpAccessToken, SERVER_SECRET, startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";

const pglite = testDbKind() === "pglite";

describe(`token exchange grant read cache on ${testDbKind()}`, () => {
  let idp: InProcessIdp;
  let n = 0;
  const newAccount = async () => (await createAccount({ username: `user${++n}`, password: "user-password-1234", displayName: `User ${n}` })).id;

  beforeAll(async () => {
    idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false" });
  });
  afterAll(async () => {
    await idp?.close();
  });

  const exchange = async (subjectToken: string, scope = "notes.read") => {
    const res = await exchangeForNextcloud(idp.url, subjectToken, scope, { clientSecret: SERVER_SECRET, audience: getConfig().NEXTCLOUD_AUDIENCE });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  it("caches the read on PGlite only, and the cached answer is the database's", async () => {
    const alice = await newAccount();
    await recordHybridGrant({ accountId: alice, clientId: "test", scopes: ["notes.read"] });
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    const gid = decodeJwt(token).gid as string;
    forgetGrantReads();
    expect((await exchange(token)).status).toBe(200);
    expect(grantReadCacheSize()).toBe(pglite ? 1 : 0);
    const input = { ids: [gid], accountId: alice, clientId: getConfig().OIDC_CLIENT_ID };
    const cached = await findGrantPayloadsForExchange(input);
    expect(cached.byId.get(gid)?.accountId).toBe(alice);
    expect(cached.ofClient).toEqual(await findGrantIds(alice, getConfig().OIDC_CLIENT_ID));
    expect((await exchange(token)).status).toBe(200);
  });

  it("a revoked subject grant is refused on the next exchange after a cached one", async () => {
    const alice = await newAccount();
    await recordHybridGrant({ accountId: alice, clientId: "test", scopes: ["notes.read"] });
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    expect((await exchange(token)).status).toBe(200);
    expect((await exchange(token)).status).toBe(200);
    const provider = await getProvider();
    await (await provider.Grant.find(decodeJwt(token).gid as string))!.destroy();
    expect(await exchange(token)).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: expect.stringMatching(/revoked/) } });
  });

  it("a narrowed Nextcloud grant refuses the removed scope at once, and a removed one refuses everything", async () => {
    const alice = await newAccount();
    await recordHybridGrant({ accountId: alice, clientId: "test", scopes: ["notes.read", "notes.write"] });
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read", "notes.write"] });
    expect((await exchange(token, "notes.write")).status).toBe(200);
    const provider = await getProvider();
    const [serverGrantId] = await findGrantIds(alice, getConfig().OIDC_CLIENT_ID);
    const serverGrant = (await provider.Grant.find(serverGrantId!))!;
    serverGrant.rejectResourceScope(nextcloudResourceIndicator(), "notes.write");
    await serverGrant.save();
    expect(await exchange(token, "notes.write")).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    expect((await exchange(token, "notes.read")).status).toBe(200);
    await (await provider.Grant.find(serverGrantId!))!.destroy();
    expect(await exchange(token, "notes.read")).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: expect.stringMatching(/provision/) } });
  });

  it("a cached refusal (nothing provisioned) does not outlive the consent that follows it", async () => {
    const alice = await newAccount();
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    expect(await exchange(token)).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: expect.stringMatching(/provision/) } });
    await recordHybridGrant({ accountId: alice, clientId: "test", scopes: ["notes.read"] });
    expect((await exchange(token)).status).toBe(200);
  });

  it("a grant that expires while its read is cached is refused without any write", async () => {
    const alice = await newAccount();
    await recordHybridGrant({ accountId: alice, clientId: "test", scopes: ["notes.read"] });
    const { token } = await mintMcpAccessToken(idp, { accountId: alice, scopes: ["notes.read"] });
    const provider = await getProvider();
    const grant = (await provider.Grant.find(decodeJwt(token).gid as string))!;
    (grant as unknown as { exp: number }).exp = Math.floor(Date.now() / 1000) + 2;
    await grant.save();
    expect((await exchange(token)).status).toBe(200); // read (and, on PGlite, cached) while still live
    await new Promise((r) => setTimeout(r, 2100));
    expect(await exchange(token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it.runIf(pglite)(`holds at most ${GRANT_READ_CACHE_ENTRIES} reads`, async () => {
    forgetGrantReads();
    const clientId = getConfig().OIDC_CLIENT_ID;
    const ids = Array.from({ length: GRANT_READ_CACHE_ENTRIES + 20 }, (_, i) => `unknown-${i}`);
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => findGrantPayloadsForExchange({ ids: [id], accountId: "nobody", clientId })));
    expect(grantReadCacheSize()).toBe(GRANT_READ_CACHE_ENTRIES);
  }, 120_000);
});
