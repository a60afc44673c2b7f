/**
 * The real migration runner against an empty database of each kind: applies
 * the committed migrations, is idempotent, refuses a database that is ahead,
 * rolls a failing migration back whole, and (PostgreSQL) serialises two
 * concurrent starters.
 */
import { cpSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { migrate, MigrationError, readMigrations, type Migration, type MigrationRunner } from "@/lib/db/migrate";
import { openPglite } from "@/lib/db/open-pglite";
import { openPostgres } from "@/lib/db/open-postgres";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";

const kind = testDbKind();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * An empty embedded database, set up once per file: setting one up (PGlite's initdb) takes seconds and
 * is the same every time, so each case starts from a copy of it (as createTestDatabase does with the
 * migrated template). Nothing of the schema is in it: the migrations under test still do all that.
 */
let emptyPglite: Promise<TestDatabase> | undefined;
afterAll(async () => (await emptyPglite)?.drop());
function emptyPgliteTemplate(): Promise<TestDatabase> {
  emptyPglite ??= (async () => {
    const template = await createTestDatabase("pglite", { empty: true });
    await (await openPglite(template.location)).close();
    return template;
  })();
  return emptyPglite;
}

async function fresh(): Promise<{ db: TestDatabase; runner: MigrationRunner; close(): Promise<void> }> {
  const db = await createTestDatabase(kind, { empty: true });
  if (kind === "pglite") {
    const template = path.join((await emptyPgliteTemplate()).location, "pglite");
    if (!existsSync(template)) throw new Error(`no empty PGlite folder at ${template}`);
    cpSync(template, path.join(db.location, "pglite"), { recursive: true });
  }
  const handle = kind === "postgres" ? openPostgres(db.location) : await openPglite(db.location);
  cleanups.push(db.drop);
  cleanups.push(() => handle.close());
  return { db, runner: handle.runner, close: handle.close };
}

const tableNames = async (runner: MigrationRunner) =>
  (await runner.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).map((r) => r.tablename);

describe(`migrations on an empty ${kind} database`, () => {
  // lib/db/open-pglite.ts: Postgres's 128 MB default would be allocated and zeroed at every start.
  it.runIf(kind === "pglite")("opens the embedded database with a 64 MB page cache", async () => {
    const { runner } = await fresh();
    expect(await runner.query<{ shared_buffers: string }>("SHOW shared_buffers")).toEqual([{ shared_buffers: "64MB" }]);
  });

  it("applies every committed migration, then nothing on the next start", async () => {
    const { runner } = await fresh();
    const local = await readMigrations();
    expect(local.length).toBeGreaterThan(0);
    expect(await migrate(runner)).toEqual(local.map((m) => m.name));
    expect(await tableNames(runner)).toEqual(expect.arrayContaining(["_prisma_migrations", "instance_settings"]));
    expect(await migrate(runner)).toEqual([]);
    const rows = await runner.query<{ migration_name: string; checksum: string }>(`SELECT migration_name, checksum FROM "_prisma_migrations"`);
    expect(rows).toEqual(local.map((m) => expect.objectContaining({ migration_name: m.name, checksum: m.checksum })));
  });

  it("refuses a database that is ahead of the code and changes nothing", async () => {
    const { runner } = await fresh();
    await migrate(runner);
    await runner.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('x', 'y', '29990101000000_from_the_future', now(), 1)`,
    );
    await expect(migrate(runner)).rejects.toThrow(/ahead of this version.*29990101000000_from_the_future/);
  });

  it("rolls a failing migration back whole: no half-migrated state", async () => {
    const { runner } = await fresh();
    const local = await readMigrations();
    const broken: Migration = {
      name: "29990101000000_broken",
      sql: `CREATE TABLE half_done (id int); INSERT INTO no_such_table VALUES (1);`,
      checksum: "broken",
    };
    await expect(migrate(runner, [...local, broken])).rejects.toThrow(MigrationError);
    await expect(migrate(runner, [...local, broken])).rejects.toThrow(/29990101000000_broken failed and was rolled back/);
    expect(await tableNames(runner)).not.toContain("half_done");
    const names = (await runner.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`)).map((r) => r.migration_name);
    expect(names).not.toContain("29990101000000_broken");
    // The good migrations before it stay applied and the database stays usable.
    expect(await migrate(runner, local)).toEqual([]);
  });

  it("drops dynamically registered clients that hold a client secret in clear, and keeps public ones (issue 19 defect 7)", async () => {
    const { runner } = await fresh();
    const local = await readMigrations();
    const index = local.findIndex((m) => m.name.endsWith("_drop_secret_dcr_clients"));
    expect(index).toBeGreaterThan(0);
    await migrate(runner, local.slice(0, index));
    const insert = (id: string, payload: object) =>
      runner.query(`INSERT INTO "oidc_payloads" ("model", "id", "payload", "updated_at") VALUES ('Client', $1, $2::jsonb, now())`, [id, JSON.stringify(payload)]);
    await insert("with-secret", { client_id: "with-secret", client_secret: "plaintext-secret-value", token_endpoint_auth_method: "client_secret_basic" });
    await insert("public", { client_id: "public", token_endpoint_auth_method: "none" });
    await runner.query(`INSERT INTO "oidc_payloads" ("model", "id", "payload", "updated_at") VALUES ('Grant', 'g1', '{"client_secret":"not-a-client-row"}'::jsonb, now())`);
    expect(await migrate(runner, local)).toEqual(local.slice(index).map((m) => m.name));
    const rows = await runner.query<{ model: string; id: string }>(`SELECT "model", "id" FROM "oidc_payloads" ORDER BY "model", "id"`);
    expect(rows).toEqual([
      { model: "Client", id: "public" },
      { model: "Grant", id: "g1" },
    ]);
  });

  it.runIf(kind === "postgres")("serialises concurrent starters on one PostgreSQL database", async () => {
    const db = await createTestDatabase("postgres", { empty: true });
    cleanups.push(db.drop);
    const a = openPostgres(db.location);
    const b = openPostgres(db.location);
    cleanups.push(() => a.close(), () => b.close());
    const [ra, rb] = await Promise.all([migrate(a.runner), migrate(b.runner)]);
    const local = (await readMigrations()).map((m) => m.name);
    expect([...ra, ...rb].sort()).toEqual(local.sort());
    const count = await a.runner.query<{ n: string }>(`SELECT count(*) AS n FROM "_prisma_migrations"`);
    expect(Number(count[0]!.n)).toBe(local.length);
  });
});
