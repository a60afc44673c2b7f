/**
 * The grant store on a real database of each kind: encryption at rest bound
 * to the row, metadata reads that never touch the refresh token, incremental
 * scopes, revocation, deletion, last-used throttling, input validation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as envelope from "@/lib/crypto/envelope";
import { deleteGrant, getGrant, GrantStoreError, markRevoked, saveGrant, touchLastUsed } from "@/lib/provisioning/grant-store";
import { grantRefreshTokenContext } from "@/lib/provisioning/secret-contexts";
import { openInProcessDatabase, useEncryptionKeys, TEST_KEY_NEW, TEST_KEY_OLD, type InProcessDatabase } from "../helpers/in-process-database";

const AUD = "nextcloud";
let h: InProcessDatabase;
beforeAll(async () => {
  h = await openInProcessDatabase();
});
afterAll(async () => h?.close());

const base = { audience: AUD, flowType: "flow2" as const, clientId: "claude", idpGrantId: "g1" };
const rawRow = (userId: string) => h.prisma.nextcloudGrant.findUniqueOrThrow({ where: { userId_audience: { userId, audience: AUD } } });

describe("saving and reading grants", () => {
  it("stores the refresh token encrypted under the current key, bound to the row", async () => {
    const { grant, created, addedScopes } = await saveGrant({ ...base, userId: "alice", scopes: ["account.read", "openid", "offline_access"], refreshToken: "rt-alice-1" });
    expect(created).toBe(true);
    expect(addedScopes).toEqual(["account.read"]);
    expect(grant).toMatchObject({ userId: "alice", audience: AUD, flowType: "flow2", scopes: ["account.read"], clientId: "claude", keyId: "new", version: 0, active: true, revokedAt: null });
    const row = await rawRow("alice");
    expect(row.encryptedRefreshToken).not.toContain("rt-alice-1");
    expect(envelope.keyIdOf(row.encryptedRefreshToken!)).toBe("new");
    expect(await envelope.open(row.encryptedRefreshToken!, grantRefreshTokenContext("alice", AUD))).toBe("rt-alice-1");
    // Copied into another user's row, the ciphertext does not decrypt.
    await expect(envelope.open(row.encryptedRefreshToken!, grantRefreshTokenContext("bob", AUD))).rejects.toThrow(/another context/);
  });

  it("reads metadata without the refresh token, even when it could not be decrypted", async () => {
    await saveGrant({ ...base, userId: "meta", scopes: ["account.read"], refreshToken: "rt-meta" });
    await h.prisma.nextcloudGrant.update({ where: { userId_audience: { userId: "meta", audience: AUD } }, data: { encryptedRefreshToken: "garbage-that-would-fail-to-open" } });
    useEncryptionKeys("other:b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktb3RoZSE=");
    try {
      const grant = await getGrant("meta", AUD);
      expect(grant).toMatchObject({ userId: "meta", scopes: ["account.read"], active: true });
      expect(JSON.stringify(grant)).not.toMatch(/garbage|rt-meta|encryptedRefreshToken/);
    } finally {
      useEncryptionKeys(`${TEST_KEY_NEW},${TEST_KEY_OLD}`);
    }
    expect(await getGrant("nobody", AUD)).toBeNull();
  });

  it("adds scopes incrementally and keeps the ones granted before", async () => {
    await saveGrant({ ...base, userId: "inc", scopes: ["notes.read"], refreshToken: "rt-1" });
    const second = await saveGrant({ ...base, userId: "inc", clientId: "vscode", scopes: ["notes.write", "notes.read"], refreshToken: "rt-2" });
    expect(second.created).toBe(false);
    expect(second.addedScopes).toEqual(["notes.write"]);
    expect(second.grant.scopes.sort()).toEqual(["notes.read", "notes.write"]);
    expect(second.grant.clientId).toBe("vscode");
    expect(second.grant.version).toBe(2);
    expect(await envelope.open((await rawRow("inc")).encryptedRefreshToken!, grantRefreshTokenContext("inc", AUD))).toBe("rt-2");
  });

  it("merges two concurrent saves without losing either's scopes", async () => {
    await saveGrant({ ...base, userId: "race", scopes: ["account.read"], refreshToken: "rt-0" });
    await Promise.all([
      saveGrant({ ...base, userId: "race", scopes: ["files.read"], refreshToken: "rt-a" }),
      saveGrant({ ...base, userId: "race", scopes: ["calendar.read"], refreshToken: "rt-b" }),
      saveGrant({ ...base, userId: "race-new", scopes: ["files.read"], refreshToken: "rt-c" }),
      saveGrant({ ...base, userId: "race-new", scopes: ["deck.read"], refreshToken: "rt-d" }),
    ]);
    expect((await getGrant("race", AUD))!.scopes.sort()).toEqual(["account.read", "calendar.read", "files.read"]);
    expect((await getGrant("race-new", AUD))!.scopes.sort()).toEqual(["deck.read", "files.read"]);
  });

  it("refuses unknown scopes, no Nextcloud scope, and bad input without storing anything", async () => {
    await expect(saveGrant({ ...base, userId: "bad", scopes: ["account.read", "admin.everything"], refreshToken: "rt" })).rejects.toThrow(GrantStoreError);
    await expect(saveGrant({ ...base, userId: "bad", scopes: ["openid", "offline_access"], refreshToken: "rt" })).rejects.toThrow(/at least one Nextcloud scope/);
    await expect(saveGrant({ ...base, userId: "bad", scopes: ["account.read"], refreshToken: "" })).rejects.toThrow(/refreshToken/);
    await expect(saveGrant({ ...base, userId: "", scopes: ["account.read"], refreshToken: "rt" })).rejects.toThrow(/userId/);
    expect(await getGrant("bad", AUD)).toBeNull();
  });
});

describe("revoking and deleting", () => {
  it("marks a grant revoked and drops its refresh token; provisioning again starts afresh", async () => {
    await saveGrant({ ...base, userId: "rev", scopes: ["notes.read", "notes.write"], refreshToken: "rt-old" });
    expect(await markRevoked("rev", AUD)).toBe(true);
    expect(await markRevoked("rev", AUD)).toBe(false);
    const revoked = await getGrant("rev", AUD);
    expect(revoked).toMatchObject({ active: false, keyId: null });
    expect(revoked!.revokedAt).toBeInstanceOf(Date);
    expect((await rawRow("rev")).encryptedRefreshToken).toBeNull();

    const again = await saveGrant({ ...base, userId: "rev", scopes: ["account.read"], refreshToken: "rt-new" });
    expect(again.created).toBe(true);
    // Revoked scopes do not come back: only what was granted now.
    expect(again.grant.scopes).toEqual(["account.read"]);
    expect(again.grant).toMatchObject({ active: true, revokedAt: null });
    expect(again.grant.provisionedAt.getTime()).toBeGreaterThan(revoked!.revokedAt!.getTime() - 1);
  });

  it("deletes idempotently", async () => {
    await saveGrant({ ...base, userId: "del", scopes: ["account.read"], refreshToken: "rt" });
    expect(await deleteGrant("del", AUD)).toBe(true);
    expect(await deleteGrant("del", AUD)).toBe(false);
    expect(await getGrant("del", AUD)).toBeNull();
  });

  it("keeps grants per audience apart", async () => {
    await saveGrant({ ...base, userId: "multi", scopes: ["account.read"], refreshToken: "rt-a" });
    await saveGrant({ ...base, userId: "multi", audience: "other-cloud", scopes: ["files.read"], refreshToken: "rt-b" });
    await markRevoked("multi", "other-cloud");
    expect((await getGrant("multi", AUD))!.active).toBe(true);
    expect((await getGrant("multi", "other-cloud"))!.active).toBe(false);
  });
});

describe("last use", () => {
  it("records last use at most once a minute, and not on revoked grants", async () => {
    await saveGrant({ ...base, userId: "touch", scopes: ["account.read"], refreshToken: "rt" });
    const t0 = new Date("2030-01-01T00:00:00Z");
    await touchLastUsed("touch", AUD, t0);
    expect((await getGrant("touch", AUD))!.lastUsedAt).toEqual(t0);
    await touchLastUsed("touch", AUD, new Date(t0.getTime() + 30_000));
    expect((await getGrant("touch", AUD))!.lastUsedAt).toEqual(t0);
    const t2 = new Date(t0.getTime() + 61_000);
    await touchLastUsed("touch", AUD, t2);
    expect((await getGrant("touch", AUD))!.lastUsedAt).toEqual(t2);
    await markRevoked("touch", AUD);
    await touchLastUsed("touch", AUD, new Date(t2.getTime() + 120_000));
    expect((await getGrant("touch", AUD))!.lastUsedAt).toEqual(t2);
  });

  it("skips the statement for a touch within a minute of this process's last one, and writes again after a new provisioning", async () => {
    await saveGrant({ ...base, userId: "memo", scopes: ["account.read"], refreshToken: "rt" });
    const t0 = new Date("2031-01-01T00:00:00Z");
    await touchLastUsed("memo", AUD, t0);
    // Changed behind the store's back: a touch that reached the database would write it again.
    await h.prisma.$executeRaw`UPDATE nextcloud_grants SET last_used_at = NULL WHERE user_id = 'memo'`;
    await touchLastUsed("memo", AUD, new Date(t0.getTime() + 30_000));
    expect((await rawRow("memo")).lastUsedAt).toBeNull(); // no statement was sent
    // A write through the store (here a re-provisioning) forgets the memory: the next touch is written.
    await markRevoked("memo", AUD);
    await saveGrant({ ...base, userId: "memo", scopes: ["account.read"], refreshToken: "rt2" });
    const t1 = new Date(t0.getTime() + 40_000);
    await touchLastUsed("memo", AUD, t1);
    expect((await getGrant("memo", AUD))!.lastUsedAt).toEqual(t1);
  });
});
