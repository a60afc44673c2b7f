/**
 * The browser tests' accounts: each spec file has its own Alice, Bob, Dora and
 * admin (`e2e-alice-<spec>`…), so spec files can run side by side in two
 * Playwright workers against the one e2e server without seeing each other's
 * connections, grants, disabled accounts or activity. serve.mjs creates every
 * spec's accounts before the app starts (seed-users.ts, allE2eUsers).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface E2eUser {
  username: string;
  password: string;
  displayName: string;
  admin?: boolean;
}

const DIR = import.meta.dirname;
const ROLES = JSON.parse(readFileSync(path.join(DIR, "users.json"), "utf8")) as E2eUser[];

const specName = (file: string) => path.basename(file).replace(/\.spec\.ts$/, "");

function forSpec(spec: string, roles: readonly E2eUser[] = ROLES): E2eUser[] {
  return roles.map((role) => ({ ...role, username: `${role.username}-${spec}`, displayName: `${role.displayName} (${spec})` }));
}

/** The roles a spec file takes (`const { alice, bob } = usersOf(import.meta.url)`): only those are created. */
function rolesUsedBy(file: string): E2eUser[] {
  const names = /const \{([^}]*)\} = usersOf\(import\.meta\.url\)/.exec(readFileSync(path.join(DIR, file), "utf8"))?.[1];
  const used = new Set((names ?? "").split(",").map((n) => n.trim()));
  return ROLES.filter((role) => used.has(role.admin ? "admin" : role.username.replace(/^e2e-/, "")));
}

/** The accounts of the spec file at `specUrl` (pass `import.meta.url`). */
export function usersOf(specUrl: string): { alice: E2eUser; bob: E2eUser; dora: E2eUser; admin: E2eUser } {
  const users = forSpec(specName(new URL(specUrl).pathname));
  const role = (name: string) => users.find((u) => u.username.startsWith(`e2e-${name}-`))!;
  return { alice: role("alice"), bob: role("bob"), dora: role("dora"), admin: users.find((u) => u.admin)! };
}

/** Every spec file's accounts, for the roles it uses (the admin page lists them all: no more than needed). */
export function allE2eUsers(): E2eUser[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".spec.ts"))
    .sort()
    .flatMap((f) => forSpec(specName(f), rolesUsedBy(f)));
}
