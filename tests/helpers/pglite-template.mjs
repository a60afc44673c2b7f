// Where the migrated PGlite template lives, and copying it: the committed migrations applied once
// (the integration suite's global setup, tests/integration/global-setup.ts, makes it), then copied
// for every test database (tests/helpers/databases.ts) and for the browser tests' server
// (tests/e2e/serve.mjs). Copying the folder costs ~0.1 s; a fresh PGlite folder ~4 CPU-s of initdb
// plus the migrations. Named by a hash of the migrations, so a changed migration makes a new template.
// The same for folders with accounts seeded in them (tests/helpers/idp-app.ts, tests/e2e/serve.mjs):
// named by seededKey, kept by keepPgliteFolder, copied by copyPgliteFolder.
//
// Plain JavaScript so serve.mjs (node without tsx) shares it; types in pglite-template.d.mts.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const MIGRATIONS = path.join(ROOT, "prisma", "migrations");

/** A short hash of prisma/migrations (every migration's name and SQL). */
export function migrationsHash() {
  const hash = createHash("sha256");
  for (const name of readdirSync(MIGRATIONS).sort()) {
    const file = path.join(MIGRATIONS, name, "migration.sql");
    if (existsSync(file)) hash.update(name).update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

/** The template's folder (it holds a `pglite` folder, as a DATA_DIR does). */
export const pgliteTemplateDir = () => path.join(os.tmpdir(), `ncmcp-pglite-template-${migrationsHash()}`);

/** Copies `fromDir`'s `pglite` folder (a template or a kept folder) into `dataDir`; false when there is none. */
export function copyPgliteFolder(fromDir, dataDir) {
  const source = path.join(fromDir, "pglite");
  if (!existsSync(source)) return false;
  cpSync(source, path.join(dataDir, "pglite"), { recursive: true });
  return true;
}

/** Copies the migrated template's `pglite` folder into `dataDir`; false when the template does not exist. */
export const copyPgliteTemplate = (dataDir) => copyPgliteFolder(pgliteTemplateDir(), dataDir);

/**
 * Names a folder with seeded accounts by what decides its content: the schema (the migrations), the
 * code that writes accounts (lib/accounts) and `parts` (the accounts, or the files that pick them).
 */
export function seededKey(parts) {
  const hash = createHash("sha256").update(migrationsHash());
  const accounts = path.join(ROOT, "lib", "accounts");
  for (const name of readdirSync(accounts).sort()) hash.update(name).update(readFileSync(path.join(accounts, name)));
  for (const part of parts) hash.update(part);
  return hash.digest("hex").slice(0, 16);
}

/**
 * Keeps `dataDir`'s closed `pglite` folder (without its lock, which lies beside it) and `files` (name →
 * content) as `keptDir` for later runs: written aside, then renamed into place, so a concurrent run
 * either wins or finds it done.
 */
export function keepPgliteFolder(dataDir, keptDir, files = {}) {
  const work = mkdtempSync(path.join(os.tmpdir(), "ncmcp-keeping-"));
  cpSync(path.join(dataDir, "pglite"), path.join(work, "pglite"), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(work, name), content);
  try {
    renameSync(work, keptDir);
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
}
