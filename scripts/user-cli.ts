// Local accounts of the built-in identity provider, from a terminal:
//   npm run user:add -- --username NAME --password PW [--email E] [--display-name D] [--admin]
//   npm run user:list [-- --json]
// Opens the configured database like the app does (applying pending migrations, so it works on a
// fresh clone). The embedded PGlite database admits one process: while the app runs, the command
// refuses with a message instead of touching the data. Passwords are never printed back.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { AccountExistsError, AccountInputError, createAccount, listAccountRecords, type AccountRecord } from "../lib/accounts";
import { ConfigError, getConfig } from "../lib/config";
import { closeDatabase } from "../lib/db";
import { DatabaseInUseError } from "../lib/db/directory-lock";
import { MigrationError } from "../lib/db/migrate";

const USAGE = {
  add: "Usage: npm run user:add -- --username NAME --password PW [--email E] [--display-name D] [--admin]",
  list: "Usage: npm run user:list [-- --json]",
};

class UsageError extends Error {}

type Command = keyof typeof USAGE;

function parse(command: Command, args: string[]) {
  const options: ParseArgsConfig["options"] =
    command === "add"
      ? {
          username: { type: "string" },
          password: { type: "string" },
          email: { type: "string" },
          "display-name": { type: "string" },
          admin: { type: "boolean" },
          help: { type: "boolean", short: "h" },
        }
      : { json: { type: "boolean" }, help: { type: "boolean", short: "h" } };
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

async function run(command: Command, args: string[]): Promise<void> {
  const values = parse(command, args);
  if (values.help) {
    console.log(USAGE[command]);
    return;
  }
  const config = getConfig();
  if (command === "add") {
    if (typeof values.username !== "string") throw new UsageError("--username is required.");
    if (typeof values.password !== "string") throw new UsageError("--password is required.");
    const account = await createAccount({
      username: values.username,
      password: values.password,
      email: values.email as string | undefined,
      displayName: values["display-name"] as string | undefined,
      isAdmin: values.admin === true,
    });
    console.log(`Created account "${account.username}"${account.isAdmin ? " (admin)" : ""}, id ${account.id}.`);
    if (!config.BUILTIN_IDP) console.log("Note: OIDC_ISSUER is set, so sign-in happens at the external identity provider, not with this account.");
    return;
  }
  const records = await listAccountRecords();
  console.log(values.json ? JSON.stringify(records, null, 2) : formatTable(records));
}

function explain(error: unknown, command: Command): string {
  if (error instanceof UsageError) return `${error.message}\n${USAGE[command]}`;
  if (error instanceof DatabaseInUseError) {
    return (
      `The embedded database is in use by the running app, and PGlite admits only one process.\n` +
      `Stop the app and run this command again, or set DATABASE_URL to a PostgreSQL server (which the app and this command can share).\n` +
      `Nothing was changed.`
    );
  }
  if (error instanceof AccountInputError || error instanceof AccountExistsError || error instanceof ConfigError || error instanceof MigrationError) {
    return error.message;
  }
  // Database errors can quote the statement they ran: keep the first line, and nothing that mentions a password.
  const first = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 300);
  return `The command failed: ${/password/i.test(first) ? "the database refused the change" : first}`;
}

const [name, ...rest] = process.argv.slice(2);
if (name !== "add" && name !== "list") {
  console.error(`${USAGE.add}\n${USAGE.list}`);
  process.exit(1);
}
try {
  await run(name, rest);
  await closeDatabase();
} catch (error) {
  console.error(explain(error, name));
  await closeDatabase().catch(() => {});
  process.exit(1);
}
