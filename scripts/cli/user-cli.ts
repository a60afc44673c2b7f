// Local accounts of the built-in identity provider, from a terminal:
//   npm run user:add -- --username NAME [--password PW | --password-stdin] [--email E] [--display-name D] [--admin]
//   npm run user:list [-- --json]
//   npm run user:passwd -- --username NAME      (new password from a hidden prompt or stdin, never argv)
//   npm run user:disable -- --username NAME     (cannot sign in; existing sessions stop working)
//   npm run user:enable -- --username NAME
// Opens the configured database like the app does (applying pending migrations, so it works on a
// fresh clone). The embedded PGlite database admits one process: while the app runs, the command
// refuses with a message instead of touching the data. Passwords are never printed back.
// The rest of the project is imported when a command needs it: --help and a usage error are answered
// without loading the configuration, and an invalid value without loading Prisma or the database
// drivers (lib/accounts and lib/db come once a command needs the database).
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { AccountRecord } from "../../lib/accounts";
import { type CliIo, lazyDatabaseModule, line, processIo } from "./io";
import { PasswordInputError, readNewPassword } from "./read-password";

const USAGE = {
  add:
    "Usage: npm run user:add -- --username NAME [--password PW | --password-stdin] [--email E] [--display-name D] [--admin]\n" +
    "  Without --password: a hidden prompt on a terminal, or --password-stdin to read the first line of stdin.",
  list: "Usage: npm run user:list [-- --json]",
  passwd: "Usage: npm run user:passwd -- --username NAME\n  The new password comes from a hidden prompt (asked twice) or, when piped, the first line of stdin.",
  disable: "Usage: npm run user:disable -- --username NAME\n  The account can no longer sign in and its sessions stop working; user:enable undoes it.",
  enable: "Usage: npm run user:enable -- --username NAME",
};
const ALL_USAGE = Object.values(USAGE).join("\n");

class UsageError extends Error {}

// lib/accounts brings the database layer: loaded on first use, one per main() call (lazyDatabaseModule).
const databaseLayer = () => lazyDatabaseModule(() => import("../../lib/accounts"));
type DatabaseLayer = ReturnType<typeof databaseLayer>;

type Command = keyof typeof USAGE;

function parse(command: Command, args: string[]) {
  const help = { type: "boolean", short: "h" } as const;
  const options: ParseArgsConfig["options"] =
    command === "add"
      ? {
          username: { type: "string" },
          password: { type: "string" },
          "password-stdin": { type: "boolean" },
          email: { type: "string" },
          "display-name": { type: "string" },
          admin: { type: "boolean" },
          help,
        }
      : command === "list"
        ? { json: { type: "boolean" }, help }
        : { username: { type: "string" }, help };
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // Node's messages can quote what was typed (a stray word may be a password): name only the option.
    const code = (error as { code?: string }).code;
    const option = /'(--?[\w-]+)/.exec((error as Error).message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`Unknown option ${option ?? ""}.`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new UsageError(`Option ${option ?? ""} needs a value (or takes none).`);
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError("Unexpected argument: every value must follow its option.");
    throw new UsageError("The arguments could not be read.");
  }
}

// Names come from validated input, but a terminal is no place for control characters.
const printable = (s: string) => s.replace(/[\p{Cc}\p{Cf}]/gu, "?");

function formatTable(records: AccountRecord[]): string {
  if (records.length === 0) return "No accounts yet. Add one with: npm run user:add -- --username NAME --password PW";
  const header = ["USERNAME", "DISPLAY NAME", "EMAIL", "ADMIN", "STATUS", "CREATED"];
  const rows = records.map((r) => [
    printable(r.username),
    printable(r.displayName),
    printable(r.email ?? "-"),
    r.isAdmin ? "yes" : "no",
    r.disabledAt ? "disabled" : "active",
    r.createdAt.toISOString(),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line), "", `${records.length} account${records.length === 1 ? "" : "s"}`].join("\n");
}

async function run(command: Command, args: string[], io: CliIo, database: DatabaseLayer): Promise<void> {
  const log = line(io.stdout);
  const stdin = io.stdin ?? process.stdin;
  const values = parse(command, args);
  if (values.help) {
    log(USAGE[command]);
    return;
  }
  const config = (await import("../../lib/config")).getConfig();
  if (command === "add") {
    if (typeof values.username !== "string") throw new UsageError("--username is required.");
    let password = values.password;
    if (typeof password !== "string") {
      if (values["password-stdin"] !== true && !stdin.isTTY) throw new UsageError("--password is required (or --password-stdin, or run it in a terminal to be prompted).");
      password = await readNewPassword({ stdin, stderr: io.stderr });
    }
    const input = {
      username: values.username,
      password,
      email: values.email as string | undefined,
      displayName: values["display-name"] as string | undefined,
      isAdmin: values.admin === true,
    };
    (await import("../../lib/accounts/validate-account-input")).parseNewAccount(input); // createAccount's rules, before the database layer loads
    const { createAccount } = await database.load();
    const account = await createAccount(input);
    log(`Created account "${account.username}"${account.isAdmin ? " (admin)" : ""}, id ${account.id}.`);
    if (!config.BUILTIN_IDP) log("Note: OIDC_ISSUER is set, so sign-in happens at the external identity provider, not with this account.");
    return;
  }
  if (command !== "list") {
    if (typeof values.username !== "string") throw new UsageError("--username is required.");
    const username = values.username;
    const password = command === "passwd" ? await readNewPassword({ stdin, stderr: io.stderr }) : undefined;
    const { setAccountDisabledByUsername, setAccountPassword } = await database.load();
    const found = password !== undefined ? await setAccountPassword(username, password) : await setAccountDisabledByUsername(username, command === "disable");
    if (!found) throw new UsageError(`No account named "${printable(username)}". List them with: npm run user:list`);
    const done = { passwd: "Password changed", disable: "Disabled", enable: "Enabled" }[command];
    log(`${done} for account "${printable(username.trim().toLowerCase())}".`);
    return;
  }
  const { listAccountRecords } = await database.load();
  const records = await listAccountRecords();
  log(values.json ? JSON.stringify(records, null, 2) : formatTable(records));
}

async function explain(error: unknown, command: Command): Promise<string> {
  if (error instanceof UsageError) return `${error.message}\n${USAGE[command]}`;
  const [{ AccountExistsError, AccountInputError }, { ConfigError }, { DatabaseInUseError }, { MigrationError }] = await Promise.all([
    import("../../lib/accounts/validate-account-input"),
    import("../../lib/config"),
    import("../../lib/db/directory-lock"),
    import("../../lib/db/migrate"),
  ]);
  if (error instanceof DatabaseInUseError) {
    return (
      `The embedded database is in use by the running app, and PGlite admits only one process.\n` +
      `Stop the app and run this command again, or set DATABASE_URL to a PostgreSQL server (which the app and this command can share).\n` +
      `Nothing was changed.`
    );
  }
  if (error instanceof AccountInputError || error instanceof AccountExistsError || error instanceof PasswordInputError || error instanceof ConfigError || error instanceof MigrationError) {
    return error.message;
  }
  // Database errors can quote the statement they ran: keep the first line, and nothing that mentions a password.
  const first = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 300);
  return `The command failed: ${/password/i.test(first) ? "the database refused the change" : first}`;
}

/**
 * The command line `user-cli <command> [options]` (argv without node and the script), its output
 * written to `io`: resolves with the exit code (0 done, 1 refused or failed). Never exits the process.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    line(io.stdout)(ALL_USAGE);
    return 0;
  }
  if (!name || !(name in USAGE)) {
    line(io.stderr)(ALL_USAGE);
    return 1;
  }
  const database = databaseLayer();
  try {
    await run(name as Command, rest, io, database);
    await database.close();
    return 0;
  } catch (error) {
    line(io.stderr)(await explain(error, name as Command));
    await database.close().catch(() => {});
    return 1;
  }
}
