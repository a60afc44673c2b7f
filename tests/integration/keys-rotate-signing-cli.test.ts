/**
 * `npm run keys:rotate-signing` as an admin runs it (a real process on a test
 * database): --help, a staged rotation (the default), --list with each key's
 * state and start time, refusing to retire the signing key, retiring a
 * pending one, and bad flags with the usage text (one process; each case by
 * the command's main() in the test's process).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ENCRYPTION_KEYS } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { main } from "../../scripts/cli/keys-rotate-signing";
import { runInProcess, runScript } from "../helpers/run-cli";

describe(`keys:rotate-signing CLI on ${testDbKind()}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(testDbKind());
  });
  afterAll(async () => database?.drop());

  const cli = async (args: string[]) => {
    const { code, stdout, stderr } = await runScript("keys-rotate-signing.ts", args, { NODE_ENV: "production", TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, ...database.env });
    return { code: code ?? 1, output: `${stdout}${stderr}` };
  };
  const rows = (output: string) => output.trim().split("\n").map((line) => line.split("\t"));

  it("refuses an unknown flag with the usage text and exit code 2, as a process", async () => {
    const unknown = await cli(["--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/Usage: npm run keys:rotate-signing/);
  });

  // Answered before the configuration or the database is loaded: the command's main() in this process.
  const inProcess = async (args: string[]) => {
    const { code, stdout, stderr } = await runInProcess(main, args);
    return { code, stdout, output: `${stdout}${stderr}` };
  };

  it("prints its usage with --help (in-process)", async () => {
    const help = await inProcess(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run keys:rotate-signing/);
    expect(help.output).toMatch(/--stage/);
  });

  it.each([
    { args: ["--bogus"], message: /Unknown option '--bogus'/ },
    { args: ["--list", "--immediate"], message: /Choose one of --stage, --immediate, --list, --retire/ },
    { args: ["--stage", "--immediate"], message: /Choose one of/ },
    { args: ["--publish-ahead", "60", "--immediate"], message: /Choose one of/ },
    { args: ["--list", "--retire", "kid-1"], message: /Choose one of/ },
    { args: ["--publish-ahead", "soon"], message: /--publish-ahead must be a whole number of seconds, got soon/ },
    { args: ["--publish-ahead", "1.5"], message: /--publish-ahead must be a whole number of seconds, got 1\.5/ },
    { args: ["--publish-ahead=-1"], message: /--publish-ahead must be a whole number of seconds, got -1/ },
    { args: ["--retire"], message: /Option '--retire <value>' argument missing/ },
    { args: ["--list", "stray"], message: /Unexpected argument 'stray'/ },
  ])("refuses $args with exit code 2 and the usage text (in-process)", async ({ args, message }) => {
    const refused = await inProcess(args);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.output).toMatch(message);
    expect(refused.output).toMatch(/Usage: npm run keys:rotate-signing/);
  });

  it("stages by default: the new pair is pending until the publish-ahead period passed, and --list says when it signs", async () => {
    const before = rows((await cli(["--list"])).output);
    expect(before.map((r) => r[2])).toEqual(["signing", "signing"]);

    const staged = await cli(["--publish-ahead", "7200"]);
    expect(staged.code).toBe(0);
    expect(staged.output).toMatch(/published now, signing from \d{4}-\d{2}-\d{2}T/);

    const after = rows((await cli(["--list"])).output);
    const pending = after.filter((r) => r[2] === "pending");
    expect(pending).toHaveLength(2);
    for (const row of pending) {
      const starts = Date.parse(row[3]!.replace("starts signing at ", ""));
      expect(starts).toBeGreaterThan(Date.now() + 7_000_000);
    }
    // The keys that signed before still sign.
    expect(after.filter((r) => r[2] === "signing").map((r) => r[0])).toEqual(before.map((r) => r[0]));

    const refused = await cli(["--retire", before[0]![0]!]);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/currently signing/);
    const cancelled = await cli(["--retire", pending[0]![0]!]);
    expect(cancelled.code).toBe(0);
    expect(rows((await cli(["--list"])).output).map((r) => r[0])).not.toContain(pending[0]![0]);
  });
});
