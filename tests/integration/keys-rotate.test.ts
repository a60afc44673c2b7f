/**
 * `npm run keys:rotate` as a separate process on a real database of each
 * kind: killed half-way (SIGKILL, no chance to clean up), every secret still
 * decrypts with the configured keys; a second run finishes; afterwards the
 * old key can be dropped. Undecryptable rows are reported and left alone, and
 * the command refuses to touch an embedded database that the app holds.
 * Runs that prove nothing about the process (the third, idempotent run, and
 * the refused arguments) call the command's main() in the test's process.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyIdOf, open, seal } from "@/lib/crypto/envelope";
import { keyRingFrom } from "@/lib/crypto/key-ring";
import { closeDatabase, db } from "@/lib/db";
import { openPglite } from "@/lib/db/open-pglite";
import { saveGrant } from "@/lib/provisioning/grant-store";
import { grantRefreshTokenContext, provisioningRequestContext, provisioningVerifierContext } from "@/lib/provisioning/secret-contexts";
import { testDbKind } from "../helpers/databases";
import { openInProcessDatabase, TEST_KEY_NEW, TEST_KEY_OLD, useEncryptionKeys, type InProcessDatabase } from "../helpers/in-process-database";
import { SHORT_LIVED_NODE_FLAGS } from "../helpers/node-flags.mjs";
import { runInProcess } from "../helpers/run-cli";
import { main } from "../../scripts/cli/keys-rotate";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const GRANTS = 30;
const SESSIONS = 8;
const REQUESTS = 3;
let h: InProcessDatabase;

function runRotate(args: string[], keys: string, onOutput?: (text: string, kill: () => void) => void) {
  const child = spawn(process.execPath, [...SHORT_LIVED_NODE_FLAGS, "--import", "tsx", "scripts/keys-rotate.ts", ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NODE_ENV: "production", TOKEN_ENCRYPTION_KEYS: keys, ...h.database.env },
  });
  let out = "";
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone already
    }
  };
  const collect = (d: Buffer) => {
    out += d.toString();
    onOutput?.(out, kill);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, out })));
}

/** Opens every secret with the given ring; returns the key ids in use. */
async function decryptAll(keys: string) {
  useEncryptionKeys(keys);
  const prisma = await db();
  const ids: string[] = [];
  for (const g of await prisma.nextcloudGrant.findMany()) {
    expect(await open(g.encryptedRefreshToken!, grantRefreshTokenContext(g.userId, g.audience))).toBe(`rt-${g.userId}`);
    expect(keyIdOf(g.encryptedRefreshToken!)).toBe(g.keyId);
    ids.push(g.keyId!);
  }
  for (const s of await prisma.provisioningSession.findMany()) {
    expect(await open(s.encryptedVerifier, provisioningVerifierContext(s.stateHash))).toBe(`verifier-${s.stateHash}`);
    expect(keyIdOf(s.encryptedVerifier)).toBe(s.keyId);
    ids.push(s.keyId);
  }
  for (const r of await prisma.provisioningRequest.findMany()) {
    expect(await open(r.sealed, provisioningRequestContext(r.idHash))).toBe(`request-${r.idHash}`);
    expect(keyIdOf(r.sealed)).toBe(r.keyId);
    ids.push(r.keyId);
  }
  for (const row of await prisma.instanceSetting.findMany({ where: { key: { startsWith: "test." } } })) {
    const value = row.value as { sealed: string; context?: string; note?: string };
    expect(await open(value.sealed, value.context ?? row.key)).toBe(`secret-${row.key}`);
    if (row.key === "test.with-context") expect(value.note).toBe("kept");
    ids.push(keyIdOf(value.sealed)!);
  }
  const plain = await prisma.instanceSetting.findUnique({ where: { key: "plain.setting" } });
  expect(plain?.value).toEqual({ hello: "world" });
  await closeDatabase();
  return ids;
}

beforeAll(async () => {
  h = await openInProcessDatabase({ TOKEN_ENCRYPTION_KEYS: TEST_KEY_OLD });
  for (let i = 0; i < GRANTS; i++) {
    await saveGrant({ userId: `u${String(i).padStart(2, "0")}`, audience: "nextcloud", flowType: "flow2", scopes: ["account.read"], refreshToken: `rt-u${String(i).padStart(2, "0")}` });
  }
  for (let i = 0; i < SESSIONS; i++) {
    const stateHash = `state-${i}`;
    const sealed = await seal(`verifier-${stateHash}`, provisioningVerifierContext(stateHash));
    await h.prisma.provisioningSession.create({
      data: { stateHash, userId: "u00", scopes: ["account.read"], encryptedVerifier: sealed.ciphertext, keyId: sealed.keyId, nonce: "n", expiresAt: new Date(Date.now() + 600_000) },
    });
  }
  for (let i = 0; i < REQUESTS; i++) {
    const idHash = `request-hash-${i}`;
    const sealed = await seal(`request-${idHash}`, provisioningRequestContext(idHash));
    await h.prisma.provisioningRequest.create({ data: { idHash, userId: "u00", sealed: sealed.ciphertext, keyId: sealed.keyId, expiresAt: new Date(Date.now() + 600_000) } });
  }
  const bare = await seal("secret-test.bare", "test.bare");
  await h.prisma.instanceSetting.create({ data: { key: "test.bare", value: { sealed: bare.ciphertext } } });
  const withContext = await seal("secret-test.with-context", "custom-context");
  await h.prisma.instanceSetting.create({ data: { key: "test.with-context", value: { sealed: withContext.ciphertext, context: "custom-context", note: "kept" } } });
  await h.prisma.instanceSetting.create({ data: { key: "plain.setting", value: { hello: "world" } } });
  await closeDatabase(); // the command needs the embedded database to itself
}, 180_000);
afterAll(async () => h?.close());

describe("npm run keys:rotate", () => {
  it("leaves every secret decryptable when killed half-way, and a second run finishes", async () => {
    const ring = `${TEST_KEY_NEW},${TEST_KEY_OLD}`;
    let killedAt = "";
    const first = await runRotate(["--batch-size", "4", "--pause-ms", "150"], ring, (out, kill) => {
      const done = [...out.matchAll(/nextcloud_grants: (\d+) re-encrypted so far/g)].map((m) => Number(m[1]));
      if (!killedAt && (done.at(-1) ?? 0) >= 12) {
        killedAt = String(done.at(-1));
        kill();
      }
    });
    expect(first.signal, first.out).toBe("SIGKILL");
    expect(first.out).toContain('Re-encrypting stored secrets under key "new"');
    // The killed process left the embedded database's folder lock behind: the next opener would wait
    // LOCK_STALE_MS (10 s) for it to go stale before taking it over, a wait that
    // tests/unit/db/directory-lock.test.ts covers. The process is gone (its exit was awaited): remove its lock.
    if (testDbKind() === "pglite") rmSync(path.join(h.database.location, "pglite.lock.d"), { recursive: true, force: true });

    const midway = await decryptAll(ring);
    expect(midway.filter((k) => k === "new").length).toBeGreaterThanOrEqual(12);
    expect(midway.filter((k) => k === "old").length).toBeGreaterThan(0);

    const second = await runRotate([], ring);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/nextcloud_grants: \d+ re-encrypted, 0 changed meanwhile/);
    expect(second.out).toContain(`provisioning_sessions: ${SESSIONS} re-encrypted`);
    expect(second.out).toContain(`provisioning_requests: ${REQUESTS} re-encrypted`);
    expect(second.out).toContain("instance_settings: 2 re-encrypted");
    expect(second.out).toContain('Done: every stored secret is encrypted with key "new".');

    // The old key can go now.
    const after = await decryptAll(TEST_KEY_NEW);
    expect(new Set(after)).toEqual(new Set(["new"]));
    expect(after).toHaveLength(GRANTS + SESSIONS + REQUESTS + 2);

    // Nothing left to do: the same command in this process (on the database openInProcessDatabase pointed it at; it closes it again).
    useEncryptionKeys(ring);
    const third = await runInProcess(main, []);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain("nextcloud_grants: 0 re-encrypted");
    expect(third.stdout).toContain('Done: every stored secret is encrypted with key "new".');
  }, 180_000);

  it("reports secrets it cannot decrypt, leaves them untouched and exits non-zero", async () => {
    useEncryptionKeys(TEST_KEY_NEW);
    const prisma = await db();
    const lost = keyRingFrom([{ id: "lost", key: Buffer.alloc(32, 7) }]);
    const sealed = await seal("rt-orphan", grantRefreshTokenContext("orphan", "nextcloud"), lost);
    await prisma.nextcloudGrant.create({ data: { userId: "orphan", audience: "nextcloud", flowType: "flow2", scopes: ["account.read"], encryptedRefreshToken: sealed.ciphertext, keyId: "lost" } });
    await closeDatabase();

    const run = await runRotate([], `${TEST_KEY_NEW},${TEST_KEY_OLD}`);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/needs key "lost"/);
    expect(run.out).toMatch(/1 secret\(s\) could not be decrypted/);

    useEncryptionKeys(TEST_KEY_NEW);
    const row = await (await db()).nextcloudGrant.findFirstOrThrow({ where: { userId: "orphan" } });
    expect(row.encryptedRefreshToken).toBe(sealed.ciphertext);
    await closeDatabase();
  }, 120_000);

  // Answered before the configuration, the key ring or the database is loaded: main() in this process, once (on PGlite).
  it.runIf(testDbKind() === "pglite")("answers --help with its usage, exit 0 (in-process)", async () => {
    const help = await runInProcess(main, ["--help"]);
    expect(help).toEqual({ code: 0, stdout: "Usage: npm run keys:rotate -- [--batch-size 100] [--pause-ms 0]\n", stderr: "" });
  });

  it.runIf(testDbKind() === "pglite").each([
    { args: ["--batch-size", "0"], message: /--batch-size must be a whole number ≥ 1, got 0/ },
    { args: ["--batch-size", "ten"], message: /--batch-size must be a whole number ≥ 1, got ten/ },
    { args: ["--batch-size", "2.5"], message: /--batch-size must be a whole number ≥ 1, got 2\.5/ },
    { args: ["--pause-ms=-1"], message: /--pause-ms must be a whole number ≥ 0, got -1/ },
    { args: ["--pause-ms", "soon"], message: /--pause-ms must be a whole number ≥ 0, got soon/ },
    { args: ["--batch-size"], message: /Option '--batch-size <value>' argument missing/ },
    { args: ["--bogus"], message: /Unknown option '--bogus'/ },
    { args: ["now"], message: /Unexpected argument 'now'/ },
  ])("refuses $args with exit code 2 and the usage, before touching anything (in-process)", async ({ args, message }) => {
    const refused = await runInProcess(main, args);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(message);
    expect(refused.stderr).toMatch(/Usage: npm run keys:rotate -- /);
  });

  it.runIf(testDbKind() === "pglite")("refuses while another process holds the embedded database", async () => {
    const held = await openPglite(h.database.location);
    try {
      const run = await runRotate([], `${TEST_KEY_NEW},${TEST_KEY_OLD}`);
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/keys:rotate did not run: The embedded database is in use by another process/);
      expect(run.out).toMatch(/stop the running app first/);
    } finally {
      await held.close();
    }
  }, 60_000);
});
