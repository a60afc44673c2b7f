/**
 * The production build, started as `next start` on 127.0.0.1 against a fresh
 * database of each kind: health, security headers, the home page, and the
 * start-up refusals (bad configuration, database ahead, database unreachable).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStartFailure, startApp, type AppServer } from "../helpers/app-server";
import { createPostgresDatabase, createTestDatabase, POSTGRES_ADMIN_URL, testDbKind, type TestDatabase } from "../helpers/databases";
import { freePort } from "../helpers/ports";
import { createTcpProxy } from "../helpers/tcp-proxy";

const kind = testDbKind();

describe(`the app on ${kind}`, () => {
  let db: TestDatabase;
  let app: AppServer;

  beforeAll(async () => {
    db = await createTestDatabase(kind, { empty: true });
    app = await startApp(db.env);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("answers /api/health with 200 and the version", async () => {
    const res = await fetch(`${app.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok", db: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it("applied the migrations at start-up and says where the data lives", () => {
    expect(app.output()).toContain("database ready");
    expect(app.output()).toContain("20261127120000_init");
  });

  it("shows the MCP endpoint URL on the home page", async () => {
    const res = await fetch(`${app.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`${app.url}/api/mcp`);
  });

  it("serves robots.txt (nothing to index) and the icon the pages link to", async () => {
    const robots = await fetch(`${app.url}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(robots.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await robots.text()).toMatch(/^User-agent: \*\nDisallow: \/$/m);
    const icon = await fetch(`${app.url}/icon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await (await fetch(`${app.url}/`)).text()).toMatch(/<link rel="icon" href="\/icon.svg"/);
  });

  it.each(["/", "/api/health", "/no-such-page", "/api/no-such-route"])("sends the security headers on %s", async (path) => {
    const res = await fetch(`${app.url}${path}`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("gives pages a CSP with a fresh script nonce on every response", async () => {
    const [a, b] = await Promise.all([fetch(`${app.url}/`), fetch(`${app.url}/`)]);
    const nonce = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
    const na = nonce(a.headers.get("content-security-policy"));
    expect(na).toBeTruthy();
    expect(na).not.toBe(nonce(b.headers.get("content-security-policy")));
    expect(await a.text()).toContain(`nonce="${na}"`);
  });
});

describe("start-up refusals", () => {
  it("stops with one readable message naming a bad variable", async () => {
    const { code, output } = await expectStartFailure({ APP_URL: "ftp://example.com", LOG_LEVEL: "loud" });
    expect(code).not.toBe(0);
    expect(output).toContain("cannot start");
    expect(output).toContain("APP_URL is invalid: must use http or https. Example: APP_URL=https://mcp.example.com");
    expect(output).toContain("LOG_LEVEL is invalid");
    expect(output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  });

  it(`refuses a ${kind} database that is ahead of the code`, async () => {
    const db = await createTestDatabase(kind);
    try {
      // First start creates the schema; then a "future" migration is recorded.
      const app = await startApp(db.env);
      await app.stop();
      const future = `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('f', 'f', '29990101000000_future', now(), 1)`;
      if (kind === "postgres") {
        const client = new pg.Client({ connectionString: db.location });
        await client.connect();
        await client.query(future);
        await client.end();
      } else {
        const { PGlite } = await import("@electric-sql/pglite");
        const lite = new PGlite(`${db.location}/pglite`);
        await lite.query(future);
        await lite.close();
      }
      const { code, output } = await expectStartFailure(db.env);
      expect(code).not.toBe(0);
      expect(output).toContain("The database is ahead of this version of nextcloud-mcp");
      expect(output).toContain("29990101000000_future");
    } finally {
      await db.drop();
    }
  });

  it.runIf(kind === "postgres")("stops with a clear message when PostgreSQL is unreachable", async () => {
    const port = await freePort(); // nothing listens there
    const { code, output } = await expectStartFailure({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nothing` });
    expect(code).not.toBe(0);
    expect(output).toContain("The PostgreSQL server in DATABASE_URL cannot be reached");
  });
});

describe.runIf(kind === "postgres")("health when the database goes away", () => {
  it("answers 503 while PostgreSQL is unreachable and 200 again once it is back", async () => {
    const target = new URL(POSTGRES_ADMIN_URL);
    const proxy = await createTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const database = await createPostgresDatabase();
    const url = new URL(database.url);
    url.port = String(proxy.port);
    const app = await startApp({ DATABASE_URL: url.toString() });
    try {
      expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
      await proxy.stop();
      const down = await fetch(`${app.url}/api/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: "unavailable", db: "unavailable" });
      await proxy.start();
      expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    } finally {
      await app.stop();
      await proxy.close();
      await database.drop();
    }
  });
});
