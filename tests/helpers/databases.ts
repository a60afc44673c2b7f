/**
 * Throw-away databases for integration tests: every test gets its own
 * PostgreSQL database (on the machine's server) or PGlite folder, so runs
 * never see each other's data.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { copyPgliteTemplate, migrationsHash, pgliteTemplateDir } from "./pglite-template.mjs";

export type TestDbKind = "pglite" | "postgres";

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_DB_PREFIX = "ncmcp_t_";

export function testDbKind(): TestDbKind {
  const kind = process.env.TEST_DB ?? "pglite";
  if (kind !== "pglite" && kind !== "postgres") throw new Error(`TEST_DB must be pglite or postgres, got ${kind}`);
  return kind;
}

export interface TestDatabase {
  kind: TestDbKind;
  /** Environment for the app: DATABASE_URL or DATA_DIR. */
  env: Record<string, string>;
  /** For PostgreSQL: the connection string; for PGlite: the data folder. */
  location: string;
  drop(): Promise<void>;
}

export function tempDir(label = "data"): string {
  return mkdtempSync(path.join(os.tmpdir(), `ncmcp-${label}-`));
}

export function postgresUrlFor(database: string, base = POSTGRES_ADMIN_URL): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Schema templates: the committed migrations applied once (global setup), then
 * copied for each test (PGlite: the data folder; PostgreSQL: CREATE DATABASE …
 * TEMPLATE). Named by a hash of the migrations (pglite-template.mjs, shared
 * with the browser tests' server), so a changed migration makes a new
 * template. Tests of the migrations themselves ask for an empty database.
 */
export { migrationsHash, pgliteTemplateDir };
export const postgresTemplateName = () => `ncmcp_tpl_${migrationsHash()}`;

export async function createPostgresDatabase(options: { template?: string } = {}): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  // The timestamp lets a later run drop databases a crashed run left behind.
  const name = `${TEST_DB_PREFIX}${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(options.template ? `CREATE DATABASE "${name}" TEMPLATE "${options.template}"` : `CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: postgresUrlFor(name),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A fresh database with the current schema (or `empty: true`: nothing at all). */
export async function createTestDatabase(kind: TestDbKind = testDbKind(), options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (kind === "postgres") {
    const template = postgresTemplateName();
    const db = await createPostgresDatabase(options.empty ? {} : { template });
    return { kind, env: { DATABASE_URL: db.url }, location: db.url, drop: db.drop };
  }
  const dir = tempDir("pglite");
  if (!options.empty) copyPgliteTemplate(dir);
  return {
    kind,
    env: { DATA_DIR: dir },
    location: dir,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
