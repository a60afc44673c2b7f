/**
 * Creates the browser tests' accounts (users.json) in the database that
 * DATA_DIR names, all in one process, through lib/accounts (the code behind
 * `npm run user:add`, whose command line is tested in accounts-cli.test.ts).
 * One process instead of one CLI run per account: PGlite is opened once and
 * tsx starts once. Run by serve.mjs before the app starts (PGlite admits one
 * process at a time).
 */
import { readFileSync } from "node:fs";
import { createAccount } from "../../lib/accounts";
import { closeDatabase } from "../../lib/db";

const users = JSON.parse(readFileSync(new URL("./users.json", import.meta.url), "utf8")) as { username: string; password: string; displayName: string; admin?: boolean }[];
try {
  for (const user of users) {
    const account = await createAccount({ username: user.username, password: user.password, displayName: user.displayName, isAdmin: user.admin === true });
    console.log(`Created account "${account.username}"${account.isAdmin ? " (admin)" : ""}, id ${account.id}.`);
  }
} finally {
  await closeDatabase();
}
