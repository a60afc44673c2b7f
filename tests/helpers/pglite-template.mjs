// Where the migrated PGlite template lives, and copying it: the committed migrations applied once
// (the integration suite's global setup, tests/integration/global-setup.ts, makes it), then copied
// for every test database (tests/helpers/databases.ts) and for the browser tests' server
// (tests/e2e/serve.mjs). Copying the folder costs ~0.1 s; a fresh PGlite folder ~4 CPU-s of initdb
// plus the migrations. Named by a hash of the migrations, so a changed migration makes a new template.
//
// Plain JavaScript so serve.mjs (node without tsx) shares it; types in pglite-template.d.mts.
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const MIGRATIONS = path.resolve(import.meta.dirname, "..", "..", "prisma", "migrations");

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

/** Copies the template's `pglite` folder into `dataDir` when the template exists; false when it does not. */
export function copyPgliteTemplate(dataDir) {
  const source = path.join(pgliteTemplateDir(), "pglite");
  if (!existsSync(source)) return false;
  cpSync(source, path.join(dataDir, "pglite"), { recursive: true });
  return true;
}
