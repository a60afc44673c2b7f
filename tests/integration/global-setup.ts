import { existsSync } from "node:fs";
import pg from "pg";
import { POSTGRES_ADMIN_URL, TEST_DB_PREFIX } from "../helpers/databases";

const HOW_TO_START =
  "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n" +
  "(or point TEST_POSTGRES_URL at a server where the connecting role may CREATE DATABASE).";

export default async function setup({ provide: _provide }: { provide: unknown }) {
  if (!existsSync(`${process.env.NEXT_DIST_DIR || ".next"}/BUILD_ID`)) {
    throw new Error("The integration tests run the production build: run `npm run build` first (npm test does it for you).");
  }
  if (process.env.TEST_DB !== "postgres") return;
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `The integration suite needs the PostgreSQL server at ${new URL(POSTGRES_ADMIN_URL).host}, and it is not reachable (${(error as Error).message}).\n${HOW_TO_START}`,
    );
  }
  try {
    // Drop databases that crashed runs left behind more than two hours ago.
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${TEST_DB_PREFIX}%`]);
    const cutoff = Date.now() - 2 * 3600_000;
    for (const { datname } of rows) {
      const created = Number(datname.slice(TEST_DB_PREFIX.length).split("_")[0]);
      if (Number.isFinite(created) && created < cutoff) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
