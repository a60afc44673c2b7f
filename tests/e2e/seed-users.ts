/**
 * Creates the browser tests' accounts (users.json's roles, once per spec file: e2e-users.ts) in the database that
 * DATA_DIR names, all in one process, through lib/accounts (the code behind
 * `npm run user:add`, whose command line is tested in accounts-cli.test.ts).
 * One process instead of one CLI run per account: PGlite is opened once and
 * tsx starts once. Run by serve.mjs before the app starts (PGlite admits one
 * process at a time).
 */
import { createAccount } from "../../lib/accounts";
import { closeDatabase } from "../../lib/db";
import { allE2eUsers } from "./e2e-users";

// Every spec file's own accounts (e2e-users.ts): spec files run side by side.
const users = allE2eUsers();
try {
  // Four at a time: scrypt runs on libuv's thread pool (four threads), the database writes one by one.
  for (let i = 0; i < users.length; i += 4) {
    await Promise.all(users.slice(i, i + 4).map((u) => createAccount({ username: u.username, password: u.password, displayName: u.displayName, isAdmin: u.admin === true })));
  }
  console.log(`Created ${users.length} accounts for the browser tests.`);
} finally {
  await closeDatabase();
}
