/**
 * withRefreshToken on a real database of each kind, against a model of an
 * IdP with refresh-token rotation and reuse detection (as oidc-provider with
 * rotateRefreshToken): a second presentation of a consumed refresh token
 * revokes the whole token family. Concurrent refreshes must never trigger it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { open } from "@/lib/crypto/envelope";
import { getGrant, GrantConflictError, GrantNotFoundError, GrantRevokedError, markRevoked, saveGrant } from "@/lib/provisioning/grant-store";
import { grantRefreshTokenContext } from "@/lib/provisioning/secret-contexts";
import { GrantBusyError, RefreshTokenRejectedError, withRefreshToken } from "@/lib/provisioning/with-refresh-token";
import { openInProcessDatabase, type InProcessDatabase } from "../helpers/in-process-database";

const AUD = "nextcloud";
let h: InProcessDatabase;
beforeAll(async () => {
  h = await openInProcessDatabase();
});
afterAll(async () => h?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Refresh-token rotation with reuse detection (RFC 9700 §4.14.2). */
class RotatingIdp {
  private live = new Set<string>();
  private consumed = new Set<string>();
  private counter = 0;
  familyRevoked = false;
  presented: string[] = [];

  issue(): string {
    const token = `rt-${++this.counter}`;
    this.live.add(token);
    return token;
  }

  /** Consumes on arrival (like the IdP's database), answers after `delayMs`. */
  async refresh(token: string, delayMs = 30): Promise<{ refreshToken: string; value: string }> {
    this.presented.push(token);
    let rejected = false;
    if (this.familyRevoked || !this.live.has(token)) {
      if (this.consumed.has(token)) this.familyRevoked = true; // reuse: theft assumed, everything revoked
      rejected = true;
    } else {
      this.live.delete(token);
      this.consumed.add(token);
    }
    await sleep(delayMs);
    if (rejected) throw new RefreshTokenRejectedError();
    const next = this.issue();
    return { refreshToken: next, value: `access-from-${token}` };
  }
}

async function provision(userId: string, idp: RotatingIdp) {
  await saveGrant({ userId, audience: AUD, flowType: "flow2", scopes: ["account.read"], refreshToken: idp.issue() });
}
const storedToken = async (userId: string) => {
  const row = await h.prisma.nextcloudGrant.findUniqueOrThrow({ where: { userId_audience: { userId, audience: AUD } } });
  return row.encryptedRefreshToken ? open(row.encryptedRefreshToken, grantRefreshTokenContext(userId, AUD)) : null;
};

describe("withRefreshToken", () => {
  it("hands the decrypted token to the refresh and stores the rotated one", async () => {
    const idp = new RotatingIdp();
    await provision("one", idp);
    const value = await withRefreshToken("one", AUD, async (rt, grant) => {
      expect(grant).toMatchObject({ userId: "one", scopes: ["account.read"] });
      return idp.refresh(rt);
    });
    expect(value).toBe("access-from-rt-1");
    expect(await storedToken("one")).toBe("rt-2");
    const grant = await getGrant("one", AUD);
    expect(grant!.version).toBe(2);
    expect(grant!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("keeps the token when the IdP does not rotate it", async () => {
    const idp = new RotatingIdp();
    await provision("norotate", idp);
    expect(await withRefreshToken("norotate", AUD, async () => ({ value: 42 }))).toBe(42);
    expect(await storedToken("norotate")).toBe("rt-1");
  });

  it("serialises two concurrent refreshes: the second uses the first's rotated token, the grant survives", async () => {
    const idp = new RotatingIdp();
    await provision("two", idp);
    const results = await Promise.all([0, 1].map(() => withRefreshToken("two", AUD, (rt) => idp.refresh(rt, 80))));
    expect(results.sort()).toEqual(["access-from-rt-1", "access-from-rt-2"]);
    expect(idp.presented).toEqual(["rt-1", "rt-2"]);
    expect(idp.familyRevoked).toBe(false);
    expect(await storedToken("two")).toBe("rt-3");
    expect((await getGrant("two", AUD))!).toMatchObject({ active: true, version: 4 });
  });

  it("serialises a burst of five", async () => {
    const idp = new RotatingIdp();
    await provision("five", idp);
    await Promise.all([0, 1, 2, 3, 4].map(() => withRefreshToken("five", AUD, (rt) => idp.refresh(rt, 20))));
    expect(idp.presented).toEqual(["rt-1", "rt-2", "rt-3", "rt-4", "rt-5"]);
    expect(idp.familyRevoked).toBe(false);
    expect(await storedToken("five")).toBe("rt-6");
    expect((await getGrant("five", AUD))!.version).toBe(10);
  });

  it("marks the grant revoked when the IdP rejects the token (invalid_grant)", async () => {
    const idp = new RotatingIdp();
    await provision("rejected", idp);
    idp.familyRevoked = true;
    await expect(withRefreshToken("rejected", AUD, (rt) => idp.refresh(rt))).rejects.toThrow(GrantRevokedError);
    expect((await getGrant("rejected", AUD))!).toMatchObject({ active: false, keyId: null });
    expect(await storedToken("rejected")).toBeNull();
    await expect(withRefreshToken("rejected", AUD, (rt) => idp.refresh(rt))).rejects.toThrow(GrantRevokedError);
  });

  it("releases the grant unchanged when the refresh fails otherwise (IdP unreachable)", async () => {
    const idp = new RotatingIdp();
    await provision("flaky", idp);
    await expect(
      withRefreshToken("flaky", AUD, async () => {
        throw new Error("connect ECONNREFUSED");
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
    expect((await getGrant("flaky", AUD))!).toMatchObject({ active: true, version: 2 });
    expect(await storedToken("flaky")).toBe("rt-1");
    expect(await withRefreshToken("flaky", AUD, (rt) => idp.refresh(rt))).toBe("access-from-rt-1");
  });

  it("discards the rotated token when the grant is revoked or provisioned again meanwhile", async () => {
    const idp = new RotatingIdp();
    await provision("changed", idp);
    await expect(
      withRefreshToken("changed", AUD, async (rt) => {
        const result = await idp.refresh(rt);
        await saveGrant({ userId: "changed", audience: AUD, flowType: "flow2", scopes: ["files.read"], refreshToken: "rt-from-new-consent" });
        return result;
      }),
    ).rejects.toThrow(GrantConflictError);
    expect(await storedToken("changed")).toBe("rt-from-new-consent");
    expect((await getGrant("changed", AUD))!.scopes.sort()).toEqual(["account.read", "files.read"]);

    await expect(
      withRefreshToken("changed", AUD, async () => {
        await markRevoked("changed", AUD);
        return { refreshToken: "rt-late", value: "x" };
      }),
    ).rejects.toThrow(GrantConflictError);
    expect((await getGrant("changed", AUD))!.active).toBe(false);
    expect(await storedToken("changed")).toBeNull();
  });

  it("waits for a running refresh only so long, and takes over a claim abandoned by a crash", async () => {
    const idp = new RotatingIdp();
    await provision("stuck", idp);
    const where = { userId_audience: { userId: "stuck", audience: AUD } };
    // A claimant that died mid-refresh: odd version, fresh claim time.
    await h.prisma.nextcloudGrant.update({ where, data: { version: 1, updatedAt: new Date() } });
    await expect(withRefreshToken("stuck", AUD, (rt) => idp.refresh(rt), { waitMs: 200 })).rejects.toThrow(GrantBusyError);
    // The claim is older than the lease: taken over, and the stored token works.
    await h.prisma.nextcloudGrant.update({ where, data: { updatedAt: new Date(Date.now() - 120_000) } });
    expect(await withRefreshToken("stuck", AUD, (rt) => idp.refresh(rt), { waitMs: 200 })).toBe("access-from-rt-1");
    expect((await getGrant("stuck", AUD))!.version).toBe(4);
    expect(await storedToken("stuck")).toBe("rt-2");
  });

  it("says so when there is no grant", async () => {
    await expect(withRefreshToken("ghost", AUD, async () => ({ value: 1 }))).rejects.toThrow(GrantNotFoundError);
  });
});
