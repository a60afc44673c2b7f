/**
 * Local accounts against a real database of each kind, in process: creation,
 * look-ups, sign-in (good, wrong, unknown, disabled: one answer, similar
 * timing), and the database-backed rate limits per username and per IP,
 * including concurrent attempts, reset on success, window end and purge.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccountExistsError,
  AccountInputError,
  authenticate,
  createAccount,
  findAccountById,
  findAccountByUsername,
  listAccountRecords,
  listAccounts,
  purgeExpiredRateLimits,
  setAccountDisabled,
} from "@/lib/accounts";
import { hashPassword } from "@/lib/accounts/hash-password";
import { ipKey, usernameKey } from "@/lib/accounts/login-rate-limit";
import { closeDatabase, db } from "@/lib/db";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";

const kind = testDbKind();
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase(kind);
  delete process.env.DATABASE_URL;
  delete process.env.DATA_DIR;
  Object.assign(process.env, database.env);
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
  await closeDatabase();
});
afterAll(async () => {
  await closeDatabase();
  await database?.drop();
});

let serial = 0;
const uniqueName = (label: string) => `${label}-${Date.now().toString(36)}-${++serial}`;
let ipSerial = 0;
const uniqueIp = () => `198.51.${100 + Math.floor(++ipSerial / 250)}.${ipSerial % 250}`;
const PASSWORD = "correct horse battery staple";

async function newUser(label = "user", password = PASSWORD) {
  return createAccount({ username: uniqueName(label), password });
}

describe(`accounts on ${kind}`, { timeout: 120_000 }, () => {
  it("creates an account and finds it by id and (case-insensitive) username, never exposing the hash", async () => {
    const account = await createAccount({ username: "Carol.Example", password: PASSWORD, email: "carol@example.com", displayName: "Carol", isAdmin: true });
    expect(account).toEqual({ id: expect.any(String), username: "carol.example", email: "carol@example.com", displayName: "Carol", isAdmin: true });
    expect(await findAccountById(account.id)).toEqual(account);
    expect(await findAccountByUsername("CAROL.example")).toEqual(account);
    expect(await findAccountById("not-a-uuid")).toBeNull();
    expect(await findAccountByUsername("nobody-here")).toBeNull();
    expect(await listAccounts()).toContainEqual(account);
    const row = await (await db()).user.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.passwordHash).not.toContain(PASSWORD);
    expect(JSON.stringify(await listAccountRecords())).not.toContain("scrypt$");
  });

  it("defaults the display name to the username and admin to false", async () => {
    const account = await newUser("plain");
    expect(account.displayName).toBe(account.username);
    expect(account.isAdmin).toBe(false);
    expect(account.email).toBeNull();
  });

  it("refuses a second account with the same username in any letter case, and invalid input, storing nothing", async () => {
    const name = uniqueName("dup");
    await createAccount({ username: name, password: PASSWORD });
    await expect(createAccount({ username: name.toUpperCase(), password: PASSWORD })).rejects.toThrow(AccountExistsError);
    const results = await Promise.allSettled([1, 2, 3].map(() => createAccount({ username: `${name}-race`, password: PASSWORD })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason)).toEqual([
      expect.any(AccountExistsError),
      expect.any(AccountExistsError),
    ]);
    await expect(createAccount({ username: uniqueName("short"), password: "1234567" })).rejects.toThrow(AccountInputError);
    await expect(createAccount({ username: "x", password: PASSWORD })).rejects.toThrow(AccountInputError);
    expect(await (await db()).user.count({ where: { username: "x" } })).toBe(0);
  });

  it("signs in with the right password, in any letter case of the username", async () => {
    const account = await newUser("signin");
    expect(await authenticate({ username: account.username, password: PASSWORD, ip: uniqueIp() })).toEqual({ ok: true, account });
    expect(await authenticate({ username: ` ${account.username.toUpperCase()} `, password: PASSWORD, ip: uniqueIp() })).toEqual({ ok: true, account });
  });

  it("answers a wrong password, an unknown user and a disabled account identically", async () => {
    const account = await newUser("same");
    const wrong = await authenticate({ username: account.username, password: "wrong password", ip: uniqueIp() });
    const unknown = await authenticate({ username: uniqueName("ghost"), password: PASSWORD, ip: uniqueIp() });
    const impossible = await authenticate({ username: "no such name!", password: PASSWORD, ip: uniqueIp() });
    const disabledUser = await newUser("disabled");
    expect(await setAccountDisabled(disabledUser.id, true)).toBe(true);
    const disabled = await authenticate({ username: disabledUser.username, password: PASSWORD, ip: uniqueIp() });
    for (const result of [wrong, unknown, impossible, disabled]) expect(result).toEqual({ ok: false, error: "invalid_credentials" });
  });

  it("takes about as long for an unknown user as for a wrong password (no enumeration by timing)", async () => {
    const account = await newUser("timing");
    const time = async (username: string) => {
      const start = performance.now();
      const result = await authenticate({ username, password: "not the password", ip: uniqueIp() });
      expect(result).toEqual({ ok: false, error: "invalid_credentials" });
      return performance.now() - start;
    };
    await time(uniqueName("warm"));
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      wrong.push(await time(account.username)); // 4 failures: below the username limit
      unknown.push(await time(uniqueName("nobody")));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("keeps a disabled account out everywhere, and lets it back in once re-enabled", async () => {
    const account = await newUser("offon");
    await setAccountDisabled(account.id, true);
    expect(await findAccountById(account.id)).toBeNull();
    expect(await findAccountByUsername(account.username)).toBeNull();
    expect((await listAccounts()).map((a) => a.id)).not.toContain(account.id);
    expect((await listAccountRecords()).find((a) => a.id === account.id)?.disabledAt).toBeInstanceOf(Date);
    await setAccountDisabled(account.id, false);
    expect((await authenticate({ username: account.username, password: PASSWORD, ip: uniqueIp() })).ok).toBe(true);
  });

  it("answers odd input (over-long password, non-strings, huge username) with invalid_credentials, never an exception", async () => {
    const account = await newUser("odd");
    const cases = [
      { username: account.username, password: "p".repeat(5000), ip: uniqueIp() },
      { username: account.username, password: undefined as unknown as string, ip: uniqueIp() },
      { username: 42 as unknown as string, password: PASSWORD, ip: uniqueIp() },
      { username: "u".repeat(100_000), password: PASSWORD, ip: "" },
    ];
    for (const input of cases) expect(await authenticate(input)).toEqual({ ok: false, error: "invalid_credentials" });
  });

  it("upgrades a hash made with older scrypt parameters at the next good sign-in", async () => {
    const username = uniqueName("legacy");
    const prisma = await db();
    await prisma.user.create({ data: { username, displayName: username, passwordHash: await hashPassword(PASSWORD, { N: 2 ** 14, r: 8, p: 1 }) } });
    expect((await authenticate({ username, password: PASSWORD, ip: uniqueIp() })).ok).toBe(true);
    const row = await prisma.user.findUniqueOrThrow({ where: { username } });
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect((await authenticate({ username, password: PASSWORD, ip: uniqueIp() })).ok).toBe(true);
  });
});

// Dozens of real scrypt checks: allow for a busy machine.
/**
 * Runs `count` attempts at once and resolves with their answers in order. Attempts whose order
 * does not matter go together so their scrypt work shares the cores; the limiter counts concurrent
 * attempts atomically (the "exactly 5 of 10 concurrent" case below is the proof).
 */
const together = <T>(count: number, attempt: (i: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, i) => attempt(i)));

describe(`sign-in rate limits on ${kind}`, { timeout: 120_000 }, () => {
  it("refuses a username from a source after 5 failures there, even with the right password, and says when to retry", async () => {
    const account = await newUser("victim");
    const source = uniqueIp();
    const failures = await together(5, (i) => authenticate({ username: account.username, password: `guess ${i}`, ip: source }));
    for (const failure of failures) expect(failure).toEqual({ ok: false, error: "invalid_credentials" });
    const limited = await authenticate({ username: account.username.toUpperCase(), password: PASSWORD, ip: source });
    expect(limited).toEqual({ ok: false, error: "rate_limited", retryAfterSeconds: expect.any(Number) });
    if (limited.ok) throw new Error("unreachable");
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(900);
    // Other accounts are unaffected.
    const other = await newUser("bystander");
    expect((await authenticate({ username: other.username, password: PASSWORD, ip: source })).ok).toBe(true);
  });

  it("never lets a stranger lock an account out: failures from other sources do not touch the owner's budget", async () => {
    const account = await newUser("target");
    // A stranger spends many guesses from many addresses (each below the per-IP limit) ...
    const sprayed = await together(12, (i) => authenticate({ username: account.username, password: `spray ${i}`, ip: uniqueIp() }));
    for (const result of sprayed) expect(result).toEqual({ ok: false, error: "invalid_credentials" });
    // ... and exhausts its budget from one address.
    const stranger = uniqueIp();
    await together(7, (i) => authenticate({ username: account.username, password: `again ${i}`, ip: stranger }));
    expect(await authenticate({ username: account.username, password: PASSWORD, ip: stranger })).toMatchObject({ error: "rate_limited" });
    // The owner, from their own address, still signs in, and may even mistype a few times first.
    const owner = uniqueIp();
    for (const typo of await together(4, (i) => authenticate({ username: account.username, password: `typo ${i}`, ip: owner }))) expect(typo.ok).toBe(false);
    expect(await authenticate({ username: account.username, password: PASSWORD, ip: owner })).toEqual({ ok: true, account });
  });

  it("lets exactly 5 of 10 concurrent wrong attempts reach the password check (atomic counting)", async () => {
    const account = await newUser("burst");
    const source = uniqueIp();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => authenticate({ username: account.username, password: `burst ${i}`, ip: source })),
    );
    expect(results.filter((r) => !r.ok && r.error === "invalid_credentials")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.error === "rate_limited")).toHaveLength(5);
    expect((await authenticate({ username: account.username, password: PASSWORD, ip: source })).ok).toBe(false);
  });

  it("lets one of two concurrent attempts through after 4 failures, and refuses the other", async () => {
    const account = await newUser("pair");
    const source = uniqueIp();
    await together(4, (i) => authenticate({ username: account.username, password: `guess ${i}`, ip: source }));
    const pair = await Promise.all([
      authenticate({ username: account.username, password: PASSWORD, ip: source }),
      authenticate({ username: account.username, password: PASSWORD, ip: source }),
    ]);
    expect(pair.filter((r) => r.ok)).toHaveLength(1);
    expect(pair.filter((r) => !r.ok && r.error === "rate_limited")).toHaveLength(1);
  });

  it("resets the username's count after a successful sign-in", async () => {
    const account = await newUser("forgetful");
    const source = uniqueIp();
    for (let round = 0; round < 2; round++) {
      await together(4, (i) => authenticate({ username: account.username, password: `typo ${i}`, ip: source }));
      // 8 failures in all, but never 5 in a row: the success in between resets.
      expect((await authenticate({ username: account.username, password: PASSWORD, ip: source })).ok).toBe(true);
    }
  });

  it("refuses an IP (an IPv6 /64) after 20 failures across usernames, counting only failures; other addresses stay unaffected", async () => {
    const account = await newUser("shared");
    const prefix = `2001:db8:${(Date.now() % 0xffff).toString(16)}:${(++serial).toString(16)}`;
    const sprayed = await together(19, (i) => authenticate({ username: uniqueName("spray"), password: PASSWORD, ip: `${prefix}::${(i + 1).toString(16)}` }));
    for (const result of sprayed) expect(result).toEqual({ ok: false, error: "invalid_credentials" });
    // Successful sign-ins from the same network do not count against it.
    // One after another: each reserves a hit before its check and gives it back after (19 + 1 ≤ 20).
    for (let i = 0; i < 3; i++) expect((await authenticate({ username: account.username, password: PASSWORD, ip: `${prefix}::aaaa` })).ok).toBe(true);
    const prisma = await db();
    expect((await prisma.rateLimitBucket.findUniqueOrThrow({ where: { key: ipKey(`${prefix}::1`) } })).count).toBe(19);
    expect(await authenticate({ username: uniqueName("spray"), password: PASSWORD, ip: `${prefix}::14` })).toEqual({ ok: false, error: "invalid_credentials" });
    const limited = await authenticate({ username: account.username, password: PASSWORD, ip: `${prefix}:ffff:ffff:ffff:ffff` });
    expect(limited).toMatchObject({ ok: false, error: "rate_limited", retryAfterSeconds: expect.any(Number) });
    expect((await authenticate({ username: account.username, password: PASSWORD, ip: uniqueIp() })).ok).toBe(true);
    // The refused attempt did not burn the username's attempts.
    expect(await prisma.rateLimitBucket.findUnique({ where: { key: usernameKey(account.username, `${prefix}:ffff:ffff:ffff:ffff`) } })).toBeNull();
  });

  it("starts a new window once the old one has ended, and purges ended windows", async () => {
    const account = await newUser("patient");
    const source = uniqueIp();
    await together(6, (i) => authenticate({ username: account.username, password: `guess ${i}`, ip: source }));
    expect(await authenticate({ username: account.username, password: PASSWORD, ip: source })).toMatchObject({ error: "rate_limited" });
    const prisma = await db();
    const key = usernameKey(account.username, source);
    // Move the window into the past (the database clock decides, as in production).
    await prisma.$executeRaw`UPDATE "rate_limit_buckets" SET "window_start" = "window_start" - interval '1 hour', "expires_at" = "expires_at" - interval '1 hour' WHERE "key" = ${key}`;
    expect(await authenticate({ username: account.username, password: "still wrong", ip: source })).toEqual({ ok: false, error: "invalid_credentials" });
    expect((await prisma.rateLimitBucket.findUniqueOrThrow({ where: { key } })).count).toBe(1);

    const expired = `test:expired:${uniqueName("k")}`;
    const live = `test:live:${uniqueName("k")}`;
    const hourAgo = new Date(Date.now() - 3600_000);
    await prisma.rateLimitBucket.create({ data: { key: expired, count: 3, windowStart: hourAgo, expiresAt: new Date(Date.now() - 1800_000) } });
    await prisma.rateLimitBucket.create({ data: { key: live, count: 3, windowStart: new Date(), expiresAt: new Date(Date.now() + 1800_000) } });
    expect(await purgeExpiredRateLimits()).toBeGreaterThanOrEqual(1);
    expect(await prisma.rateLimitBucket.findUnique({ where: { key: expired } })).toBeNull();
    expect(await prisma.rateLimitBucket.findUnique({ where: { key: live } })).not.toBeNull();
  });
});
