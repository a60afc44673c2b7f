/**
 * `user:passwd`, `user:disable`, `user:enable` as an operator runs them: the
 * new password only from stdin (or a prompt), never an argument; the result
 * checked through the same authenticate() the sign-in page uses.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDbKind } from "../helpers/databases";
import { runCli, runScript, TSX } from "../helpers/run-cli";

const kind = testDbKind();
const OLD = "Old-Passw0rd-long";
const NEW = "N3w-Passphrase-for-alice";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/** Signs in with lib/accounts' authenticate() in a separate process (PGlite admits one at a time). */
async function signIn(env: Record<string, string>, username: string, password: string): Promise<string> {
  const code = `import("./lib/accounts").then(async (m) => { const r = await m.authenticate({ username: process.env.U, password: process.env.P, ip: "192.0.2.1" }); console.log(r.ok ? "ok" : r.error); await (await import("./lib/db")).closeDatabase(); })`;
  const result = await runCli(TSX, ["-e", code], { ...env, U: username, P: password });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

describe(`user:passwd / user:disable / user:enable on ${kind}`, { timeout: 240_000 }, () => {
  it("changes a password from stdin, refuses it as an argument, and disables and re-enables sign-in", async () => {
    const database = await createTestDatabase(kind);
    cleanups.push(() => database.drop());
    const { env } = database;
    expect((await runScript("user-cli.ts", ["add", "--username", "alice", "--password-stdin"], env, { stdin: `${OLD}\n` })).code).toBe(0);
    expect(await signIn(env, "alice", OLD)).toBe("ok");

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
    expect(await signIn(env, "alice", OLD)).toBe("invalid_credentials");
    expect(await signIn(env, "alice", NEW)).toBe("ok");

    expect((await runScript("user-cli.ts", ["disable", "--username", "alice"], env)).code).toBe(0);
    expect(await signIn(env, "alice", NEW)).toBe("invalid_credentials");
    const listed = await runScript("user-cli.ts", ["list"], env);
    expect(listed.stdout).toMatch(/^alice\s.*\sdisabled\s/m);

    expect((await runScript("user-cli.ts", ["enable", "--username", "alice"], env)).code).toBe(0);
    expect(await signIn(env, "alice", NEW)).toBe("ok");
    expect((await runScript("user-cli.ts", ["disable", "--username", "nobody"], env)).code).toBe(1);
  });
});
