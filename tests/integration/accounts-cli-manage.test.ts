/**
 * `user:passwd`, `user:disable`, `user:enable` as an operator runs them: the
 * new password only from stdin (or a prompt), never an argument; the result
 * checked through the same authenticate() the sign-in page uses (called in
 * the test's process between two CLI runs: a process start less per check).
 * The refusals and the runs that only read or flip a row call the command's
 * main() in this process too; the runs that change what a person signs in
 * with (a password from a pipe, disabling) are processes of their own.
 */
import { afterAll, describe, expect, it } from "vitest";
import { authenticate } from "@/lib/accounts";
import { closeDatabase } from "@/lib/db";
import { testDbKind } from "../helpers/databases";
import { openInProcessDatabase } from "../helpers/in-process-database";
import { runInProcess, runScript } from "../helpers/run-cli";
import { main } from "../../scripts/cli/user-cli";

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
    const inArgv = await runInProcess(main, ["passwd", "--username", "alice", "--password", NEW]);
    expect(inArgv.code).toBe(1);
    expect(inArgv.stderr).toMatch(/Unknown option --password/);
    expect(`${inArgv.stdout}${inArgv.stderr}`).not.toContain(NEW);

    const tooShort = await runInProcess(main, ["passwd", "--username", "alice"], { stdin: "short\n" });
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toMatch(/password must be at least 8 characters/);
    const empty = await runInProcess(main, ["passwd", "--username", "alice"], { stdin: "" });
    expect(empty.code).toBe(1);
    // Reaches the database (in this process, on the database openInProcessDatabase pointed it at; closed again by the command).
    const unknown = await runInProcess(main, ["passwd", "--username", "nobody"], { stdin: `${NEW}\n` });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No account named "nobody"/);
    expect(await signIn("alice", OLD)).toBe("ok"); // the refusals changed nothing

    const changed = await runScript("user-cli.ts", ["passwd", "--username", "Alice"], env, { stdin: `${NEW}\nsecond line ignored\n` });
    expect(changed.stderr).toBe("");
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/Password changed for account "alice"/);
    expect(changed.stdout).not.toContain(NEW);
    expect(await signIn("alice", OLD)).toBe("invalid_credentials");
    expect(await signIn("alice", NEW)).toBe("ok");

    expect((await runScript("user-cli.ts", ["disable", "--username", "alice"], env)).code).toBe(0);
    expect(await signIn("alice", NEW)).toBe("invalid_credentials");
    const listed = await runInProcess(main, ["list"]);
    expect(listed.stdout).toMatch(/^alice\s.*\sdisabled\s/m);

    expect((await runInProcess(main, ["enable", "--username", "alice"])).code).toBe(0);
    expect(await signIn("alice", NEW)).toBe("ok");
    expect((await runInProcess(main, ["disable", "--username", "nobody"])).code).toBe(1);
  });

  // Refused before the database is opened: one case each, by main() in this process.
  it.each([
    { args: ["passwd", "--username", "alice", "--password", NEW], message: /Unknown option --password\./ },
    { args: ["passwd", "--username", "alice", `--password=${NEW}`], message: /Unknown option --password\./ },
    { args: ["passwd", "--username", "alice"], stdin: "short\n", message: /password must be at least 8 characters/ },
    { args: ["passwd", "--username", "alice"], stdin: "", message: /No password on standard input/ },
    { args: ["passwd", "--username", "alice"], stdin: `${"p".repeat(1025)}\n`, message: /password must be at most 1024 characters/ },
    { args: ["passwd"], stdin: `${NEW}\n`, message: /--username is required/ },
    { args: ["passwd", "alice"], stdin: `${NEW}\n`, message: /Unexpected argument/ },
    { args: ["disable"], message: /--username is required/ },
    { args: ["disable", "--username", "b o b"], message: /username must be 2-64 characters/ },
    { args: ["enable", "--username"], message: /Option --username needs a value/ },
    { args: ["enable", "--username", "alice", "--admin"], message: /Unknown option --admin\./ },
  ].map((c: { args: string[]; stdin?: string; message: RegExp }) => ({
    ...c,
    // The title names the password PW (and a long stdin line by its length): vitest shortens titles past 40 characters.
    label: [...c.args.map((a) => a.replace(NEW, "PW")), ...(c.stdin === undefined ? [] : [`< ${c.stdin.length > 40 ? `${c.stdin.length - 1} chars` : c.stdin.trim().replace(NEW, "PW") || "nothing"}`])].join(" "),
  })))("refuses `user-cli $label` with exit code 1, the usage or the rule, and never the password (in-process)", async ({ args, stdin, message }) => {
    const result = await runInProcess(main, args, { stdin });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(`${result.stdout}${result.stderr}`).not.toContain(NEW);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  });
});
