/**
 * `npm run user:add` / `user:list` as a person runs them: on a fresh database
 * the app never opened, with bad arguments (exit 1, a clear message, the
 * password never echoed: each case by the command's main() in this process,
 * each way of ending by a process of its own), and next to the running app: refused on the
 * embedded PGlite database (the app stays healthy), allowed on PostgreSQL.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { main } from "../../scripts/cli/user-cli";
import { type CliResult, runCli, runInProcess, runScript } from "../helpers/run-cli";

const kind = testDbKind();
const SECRET = "Sup3r-Secret-Passw0rd";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase(kind);
  cleanups.push(() => database.drop());
  return database;
}

const cli = (args: string[], env: Record<string, string>) => runScript("user-cli.ts", args, env);

// CLI runs start tsx and (on PGlite) an embedded database each: slow on a busy 2-core machine.
describe(`the user CLI on ${kind}`, { timeout: 240_000 }, () => {
  it("works on a fresh database the app never opened: adds an account and lists it without any hash or password", async () => {
    const { env } = await freshDatabase();
    const empty = await cli(["list"], env);
    expect(empty).toMatchObject({ code: 0 });
    expect(empty.stdout).toContain("No accounts yet");

    const added = await cli(["add", "--username", "Alice", "--password", SECRET, "--email", "alice@example.com", "--display-name", "Alice Example", "--admin"], env);
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Created account "alice" \(admin\), id [0-9a-f-]{36}\./);
    expect(added.stdout).not.toContain(SECRET);

    const listed = await cli(["list"], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^USERNAME\s+DISPLAY NAME\s+EMAIL\s+ADMIN\s+STATUS\s+CREATED$/m);
    expect(listed.stdout).toMatch(/^alice\s+Alice Example\s+alice@example\.com\s+yes\s+active\s+\d{4}-\d\d-\d\dT/m);
    expect(listed.stdout).toContain("1 account");
    for (const leak of [SECRET, "scrypt$", "passwordHash", "password_hash"]) expect(listed.stdout).not.toContain(leak);

    const json = await cli(["list", "--json"], env);
    const records = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(records).toHaveLength(1);
    expect(Object.keys(records[0]!).sort()).toEqual(["createdAt", "disabledAt", "displayName", "email", "id", "isAdmin", "username"]);
  });

  // Argument checks and the npm wiring never reach the database: once, on PGlite (vitest.config.ts runs this
  // file on PostgreSQL too for the tests that do).
  const databaseIndependent = it.skipIf(kind === "postgres");

  const refused = (result: CliResult, label: string, message: RegExp) => {
    expect(result.code, label).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
    expect(`${result.stdout}${result.stderr}`).not.toContain("Short7!");
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  };
  const labelOf = (args: string[]) => args.map((a) => (a === SECRET ? "<password>" : a.length > 20 ? `${a.slice(0, 8)}…(${a.length})` : a)).join(" ") || "(nothing)";

  // Refused before the database is opened (the arguments, the values, the usage): the command's own main()
  // called in this process, one case each; the process-level exits of the same paths are spawned below.
  const invalid: { args: string[]; stdin?: string; message: RegExp }[] = [
    { args: ["add", "--username", "bob", "--password", "Short7!"], message: /password must be at least 8 characters/ },
    { args: ["add", "--username", "bob", "--password", "p".repeat(1025)], message: /password must be at most 1024 characters/ },
    { args: ["add", "--username", "bob"], message: /--password is required/ },
    { args: ["add", "--password", SECRET], message: /--username is required/ },
    { args: ["add", "--username", "b o b", "--password", SECRET], message: /username must be 2-64 characters/ },
    { args: ["add", "--username", "bob", "--password", SECRET, "--email", "not-an-email"], message: /email must be a valid email address/ },
    { args: ["add", "--username", "bob", "--password", SECRET, "--display-name", "d".repeat(101)], message: /displayName must be at most 100 characters/ },
    { args: ["add", "--username", "bob", SECRET], message: /Unexpected argument: every value must follow its option/ },
    { args: ["add", "--username", "bob", `--pasword=${SECRET}`], message: /Unknown option --pasword\./ },
    { args: ["add", "--username", "bob", "--password"], message: /Option --password needs a value/ },
    { args: ["remove", "--username", "alice"], message: /Usage: npm run user:add/ },
    { args: [], message: /Usage: npm run user:add/ },
    { args: ["add", "--username", "bob", "--password-stdin"], stdin: "", message: /No password on standard input/ },
    { args: ["add", "--username", "bob", "--password-stdin"], stdin: "Short7!\n", message: /password must be at least 8 characters/ },
    { args: ["passwd", "--username", "alice", "--password", SECRET], message: /Unknown option --password\./ },
    { args: ["disable"], message: /--username is required/ },
    { args: ["list", SECRET], message: /Unexpected argument/ },
  ];
  it.skipIf(kind === "postgres").each(invalid.map((c) => ({ ...c, label: labelOf(c.args) })))(
    "refuses `$label` with exit code 1 and a clear message that never repeats the password (in-process)",
    async ({ args, stdin, message, label }) => {
      refused(await runInProcess(main, args, { stdin }), label, message);
    },
  );

  databaseIndependent("refuses bad arguments with exit code 1 and a clear message that never repeats the password", async () => {
    const { env } = await freshDatabase();
    // One process per way a refusal ends (an unknown command, a usage error, an invalid value): refused before
    // the database is opened, so side by side, and beside the one run that adds alice; the duplicate needs
    // the database (one process at a time on PGlite), so it runs after them.
    const cases: [string[], RegExp][] = [
      [["remove", "--username", "alice"], /Usage: npm run user:add/],
      [["add", "--username", "bob", `--pasword=${SECRET}`], /Unknown option --pasword\./],
      [["add", "--username", "bob", "--password", "Short7!"], /password must be at least 8 characters/],
    ];
    const [first, ...results] = await Promise.all([cli(["add", "--username", "alice", "--password", SECRET], env), ...cases.map(([args]) => cli(args, env))]);
    expect(first.code, first.stderr).toBe(0);
    const duplicate: string[] = ["add", "--username", "ALICE", "--password", SECRET];
    cases.push([duplicate, /An account with the username "alice" already exists/]);
    results.push(await cli(duplicate, env));
    for (const [i, [args, message]] of cases.entries()) refused(results[i]!, labelOf(args), message);
    const listed = await cli(["list"], env);
    expect(listed.stdout).toContain("1 account");
  });

  databaseIndependent("is wired as `npm run user:add` and `npm run user:list`", async () => {
    const { env } = await freshDatabase();
    const added = await runCli("npm", ["run", "-s", "user:add", "--", "--username", "npm-user", "--password", SECRET], env);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Created account "npm-user"');
    const listed = await runCli("npm", ["run", "-s", "user:list"], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^npm-user\s/m);
  });

  describe("next to the running app", () => {
    let database: TestDatabase;
    let app: AppServer;

    it(
      kind === "pglite"
        ? "refuses on the embedded database while the app runs (nothing changed, the app stays healthy), and works once it stops"
        : "works on PostgreSQL while the app runs",
      async () => {
        database = await freshDatabase();
        app = await startApp(database.env);
        cleanups.push(() => app.stop());
        // On PGlite both are refused, each after seeing the app's lock heartbeat (up to LOCK_UPDATE_MS): side by side,
        // the two waits overlap. Neither can take the lock while the app holds it.
        const [add, list] = await Promise.all([
          cli(["add", "--username", "while-running", "--password", SECRET], database.env),
          kind === "pglite" ? cli(["list"], database.env) : undefined,
        ]);
        if (kind === "pglite") {
          expect(add.code).toBe(1);
          expect(add.stderr).toContain("The embedded database is in use by the running app");
          expect(add.stderr).toContain("Stop the app and run this command again, or set DATABASE_URL");
          expect(add.stderr).toContain("Nothing was changed.");
          expect(add.stderr).not.toContain(SECRET);
          expect(list!.code).toBe(1);
        } else {
          expect(add.code).toBe(0);
          expect(add.stdout).toContain('Created account "while-running"');
        }
        const health = await fetch(`${app.url}/api/health`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ status: "ok", db: "ok" });
        await app.stop();

        if (kind === "pglite") {
          expect((await cli(["add", "--username", "while-running", "--password", SECRET], database.env)).code).toBe(0);
        }
        const listed = await cli(["list"], database.env);
        expect(listed.code).toBe(0);
        expect(listed.stdout).toMatch(/^while-running\s/m);
        expect(listed.stdout).toContain("1 account");
        // The CLI released the database: the app starts on it again.
        const again = await startApp(database.env);
        cleanups.push(() => again.stop());
        expect((await fetch(`${again.url}/api/health`)).status).toBe(200);
        await again.stop();
      },
    );
  });
});
