/**
 * `npm run keys:rotate-signing` as an admin runs it (a real process on a test
 * database): --help, a staged rotation (the default), --list with each key's
 * state and start time, refusing to retire the signing key, retiring a
 * pending one, and bad flags with the usage text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ENCRYPTION_KEYS } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { runScript } from "../helpers/run-cli";

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

  it("prints its usage with --help, and refuses unknown or conflicting flags with it", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/Usage: npm run keys:rotate-signing/);
    expect(help.output).toMatch(/--stage/);
    const unknown = await cli(["--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/Usage:/);
    expect((await cli(["--list", "--immediate"])).code).toBe(2);
    expect((await cli(["--publish-ahead", "soon"])).code).toBe(2);
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
