import { describe, expect, it } from "vitest";
import { CURRENT_PARAMS, DUMMY_HASH, hashPassword, needsRehash, parseHash, verifyAgainstDummy, verifyPassword } from "@/lib/accounts/hash-password";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

describe("password hashing (scrypt)", () => {
  it("stores a self-describing scrypt$N$r$p$salt$hash string with a 16-byte salt and a 32-byte key", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const parsed = parseHash(stored)!;
    expect(parsed.salt).toHaveLength(16);
    expect(parsed.key).toHaveLength(32);
    expect(stored).not.toContain("correct horse battery");
  });

  it("salts every hash: the same password never hashes the same twice", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
  });

  it("verifies the right password and refuses a wrong, empty or case-changed one", async () => {
    const stored = await hashPassword("Tr0ub4dor&3");
    expect(await verifyPassword("Tr0ub4dor&3", stored)).toBe(true);
    expect(await verifyPassword("Tr0ub4dor&4", stored)).toBe(false);
    expect(await verifyPassword("tr0ub4dor&3", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("matches a password typed in another Unicode normal form (NFKC)", async () => {
    const stored = await hashPassword("caf\u00e9-passw0rd"); // é precomposed
    expect(await verifyPassword("cafe\u0301-passw0rd", stored)).toBe(true); // e + combining accent
  });

  it("verifies hashes made with other (older) parameters and flags them for re-hashing", async () => {
    const old = await hashPassword("an older password", { N: 2 ** 14, r: 8, p: 1 });
    expect(old.startsWith("scrypt$16384$8$1$")).toBe(true);
    expect(await verifyPassword("an older password", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("a current password"))).toBe(false);
  });

  it.each([
    ["another scheme", "bcrypt$2b$10$abcdefghijklmnopqrstuv"],
    ["too few fields", "scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA"],
    ["N not a power of two", "scrypt$30000$8$1$VFcQ4Yg46CQyeiNBayFvnA$3EQ69fG6mjJSx8sP8IMuX1qPtL9ZkfaeEFdelMPeQaY"],
    ["N absurdly large (memory bomb)", "scrypt$1073741824$8$1$VFcQ4Yg46CQyeiNBayFvnA$3EQ69fG6mjJSx8sP8IMuX1qPtL9ZkfaeEFdelMPeQaY"],
    ["N too small", "scrypt$1024$8$1$VFcQ4Yg46CQyeiNBayFvnA$3EQ69fG6mjJSx8sP8IMuX1qPtL9ZkfaeEFdelMPeQaY"],
    ["p absurd", "scrypt$32768$8$100$VFcQ4Yg46CQyeiNBayFvnA$3EQ69fG6mjJSx8sP8IMuX1qPtL9ZkfaeEFdelMPeQaY"],
    ["short salt", "scrypt$32768$8$1$c2FsdA$3EQ69fG6mjJSx8sP8IMuX1qPtL9ZkfaeEFdelMPeQaY"],
    ["short key", "scrypt$32768$8$1$VFcQ4Yg46CQyeiNBayFvnA$c2hvcnQ"],
    ["not base64url", "scrypt$32768$8$1$VFcQ4Yg46CQyeiNBayFvnA$3EQ69fG6mjJSx8sP8IMuX1qPtL9Zk+aeEFdelMPeQaY="],
    ["leading zero", "scrypt$032768$8$1$VFcQ4Yg46CQyeiNBayFvnA$3EQ69fG6mjJSx8sP8IMuX1qPtL9ZkfaeEFdelMPeQaY"],
    ["empty", ""],
  ])("never matches a malformed stored hash (%s), without throwing", async (_label, stored) => {
    expect(parseHash(stored)).toBeNull();
    expect(await verifyPassword("anything at all", stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });

  it("keeps the fixed dummy hash made with the current parameters", () => {
    const dummy = parseHash(DUMMY_HASH)!;
    expect(dummy).not.toBeNull();
    expect({ N: dummy.N, r: dummy.r, p: dummy.p }).toEqual(CURRENT_PARAMS);
    expect(dummy.key).toHaveLength(32);
    expect(needsRehash(DUMMY_HASH)).toBe(false);
  });

  it("the unknown-user path (dummy check) never succeeds and costs about as much as a real check", async () => {
    const stored = await hashPassword("the real password");
    expect(await verifyAgainstDummy("the real password")).toBe(false);
    expect(await verifyAgainstDummy("")).toBe(false);
    await verifyPassword("warm-up", stored);
    const real: number[] = [];
    const dummy: number[] = [];
    for (let i = 0; i < 5; i++) {
      real.push(await timed(() => verifyPassword(`wrong ${i}`, stored)));
      dummy.push(await timed(() => verifyAgainstDummy(`wrong ${i}`)));
    }
    const ratio = median(dummy) / median(real);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    // 14 scrypt runs at N=2^15: seconds on a loaded 2-core machine.
  }, 60_000);
});
