import { existsSync } from "node:fs";
import pg from "pg";
import { existsSync as exists, renameSync, rmSync } from "node:fs";
import { migrate } from "../../lib/db/migrate";
import { openPglite } from "../../lib/db/open-pglite";
import { openPostgres } from "../../lib/db/open-postgres";
import { pgliteTemplateDir, POSTGRES_ADMIN_URL, postgresTemplateName, postgresUrlFor, TEST_DB_PREFIX, tempDir } from "../helpers/databases";

/** The current schema in a PGlite folder, made once per set of migrations. */
async function ensurePgliteTemplate(): Promise<void> {
  const target = pgliteTemplateDir();
  if (exists(`${target}/pglite`)) return;
  const work = tempDir("pglite-template");
  const handle = await openPglite(work);
  try {
    await migrate(handle.runner);
  } finally {
    await handle.close();
  }
  rmSync(`${work}/pglite.lock.d`, { recursive: true, force: true });
  try {
    renameSync(work, target); // atomic: a concurrent run either wins or finds it done
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The current schema in a PostgreSQL template database, made once per set of migrations. */
async function ensurePostgresTemplate(client: pg.Client): Promise<void> {
  const name = postgresTemplateName();
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (rowCount) return;
  const building = `${name}_build_${process.pid}`;
  await client.query(`CREATE DATABASE "${building}"`);
  const handle = openPostgres(postgresUrlFor(building));
  try {
    await migrate(handle.runner);
  } finally {
    await handle.close();
  }
  // The pool's last connection may take a moment to leave; a rename needs none.
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "42P04") break; // a concurrent run made the template first
      if (attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
}

const HOW_TO_START =
  "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n" +
  "(or point TEST_POSTGRES_URL at a server where the connecting role may CREATE DATABASE).";

/** Vitest runs a project's global setup outside its workers (no project env): the kind is explicit. */
export async function setupIntegration(kind: "pglite" | "postgres") {
  if (!existsSync(`${process.env.NEXT_DIST_DIR || ".next"}/BUILD_ID`)) {
    throw new Error("The integration tests run the production build: run `npm run build` first (npm test does it for you).");
  }
  if (kind !== "postgres") {
    await ensurePgliteTemplate();
    return;
  }
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `The integration suite needs the PostgreSQL server at ${new URL(POSTGRES_ADMIN_URL).host}, and it is not reachable (${(error as Error).message}).\n${HOW_TO_START}`,
    );
  }
  try {
    await ensurePostgresTemplate(client);
    // Drop databases that crashed runs left behind more than two hours ago.
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${TEST_DB_PREFIX.replace(/_/g, "\\_")}%`]);
    const cutoff = Date.now() - 2 * 3600_000;
    for (const { datname } of rows) {
      const created = Number(datname.slice(TEST_DB_PREFIX.length).split("_")[0]);
      if (Number.isFinite(created) && created < cutoff) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
