/**
 * `user:passwd`, `user:disable`, `user:enable` as an operator runs them: the
 * new password only from stdin (or a prompt), never an argument; the result
 * checked through the same authenticate() the sign-in page uses (called in
 * the test's process between two CLI runs: a process start less per check).
 */
import { afterAll, describe, expect, it } from "vitest";
import { authenticate } from "@/lib/accounts";
import { closeDatabase } from "@/lib/db";
import { testDbKind } from "../helpers/databases";
import { openInProcessDatabase } from "../helpers/in-process-database";
import { runScript } from "../helpers/run-cli";

const kind = testDbKind();
const OLD = "Old-Passw0rd-long";
const NEW = "N3w-Passphrase-for-alice";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/**
 * Signs in with lib/accounts' authenticate() in this process, on the database
 * openInProcessDatabase pointed it at, and closes it again: PGlite admits one
 * process at a time, and the CLI runs next.
 */
async function signIn(username: string, password: string): Promise<string> {
  try {
    const result = await authenticate({ username, password, ip: "192.0.2.1" });
    return result.ok ? "ok" : result.error;
  } finally {
    await closeDatabase();
  }
}

describe(`user:passwd / user:disable / user:enable on ${kind}`, { timeout: 240_000 }, () => {
  it("changes a password from stdin, refuses it as an argument, and disables and re-enables sign-in", async () => {
    const h = await openInProcessDatabase();
    cleanups.push(() => h.close());
    await closeDatabase(); // the CLI needs the embedded database to itself
    const { env } = h.database;
    expect((await runScript("user-cli.ts", ["add", "--username", "alice", "--password-stdin"], env, { stdin: `${OLD}\n` })).code).toBe(0);
    expect(await signIn("alice", OLD)).toBe("ok");

    // As an argument: refused before anything is read or changed, and never echoed.
    const inArgv = await runScript("user-cli.ts", ["passwd", "--username", "alice", "--password", NEW], env);
    expect(inArgv.code).toBe(1);
    expect(inArgv.stderr).toMatch(/Unknown option --password/);
    expect(`${inArgv.stdout}${inArgv.stderr}`).not.toContain(NEW);

    const tooShort = await runScript("user-cli.ts", ["passwd", "--username", "alice"], env, { stdin: "short\n" });
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toMatch(/password must be at least 8 characters/);
    const empty = await runScript("user-cli.ts", ["passwd", "--username", "alice"], env, { stdin: "" });
    expect(empty.code).toBe(1);
    const unknown = await runScript("user-cli.ts", ["passwd", "--username", "nobody"], env, { stdin: `${NEW}\n` });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No account named "nobody"/);

    const changed = await runScript("user-cli.ts", ["passwd", "--username", "Alice"], env, { stdin: `${NEW}\nsecond line ignored\n` });
    expect(changed.stderr).toBe("");
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/Password changed for account "alice"/);
    expect(changed.stdout).not.toContain(NEW);
    expect(await signIn("alice", OLD)).toBe("invalid_credentials");
    expect(await signIn("alice", NEW)).toBe("ok");

    expect((await runScript("user-cli.ts", ["disable", "--username", "alice"], env)).code).toBe(0);
    expect(await signIn("alice", NEW)).toBe("invalid_credentials");
    const listed = await runScript("user-cli.ts", ["list"], env);
    expect(listed.stdout).toMatch(/^alice\s.*\sdisabled\s/m);

    expect((await runScript("user-cli.ts", ["enable", "--username", "alice"], env)).code).toBe(0);
    expect(await signIn("alice", NEW)).toBe("ok");
    expect((await runScript("user-cli.ts", ["disable", "--username", "nobody"], env)).code).toBe(1);
  });
});
