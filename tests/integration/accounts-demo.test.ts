/**
 * The demo account: created once on an empty database outside production (or
 * with ALLOW_DEMO_ACCOUNTS=true), printed once, never in production by
 * default, and created by exactly one of several concurrent starters.
 */
import { afterAll, describe, expect, it } from "vitest";
import { authenticate, createAccount, ensureDemoAccount } from "@/lib/accounts";
import { closeDatabase, db } from "@/lib/db";
import { startApp, type AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";

const kind = testDbKind();
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await closeDatabase();
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase(kind);
  cleanups.push(() => database.drop());
  return database;
}

async function start(env: Record<string, string>): Promise<AppServer> {
  const app = await startApp(env);
  cleanups.push(() => app.stop());
  return app;
}

/** Points this process's lib/db at `env` (closing whatever it had open: PGlite admits one process). */
async function useDatabase(env: Record<string, string>): Promise<void> {
  await closeDatabase();
  delete process.env.DATABASE_URL;
  delete process.env.DATA_DIR;
  Object.assign(process.env, env);
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
}

const BANNER = "DEMO ACCOUNT CREATED";
const passwordIn = (output: string) => /Password: (\S+)/.exec(output)?.[1];
const occurrences = (text: string, part: string) => text.split(part).length - 1;

async function waitForOutput(app: AppServer, part: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!app.output().includes(part) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Waits until the app's start-up has passed the demo-account step: start-up logs "built-in identity
 * provider ready" right after it (lib/server/start-server.ts), on the same stdout as the banner, so
 * once that line is here a banner would be too (no fixed wait needed to say "it printed nothing").
 */
async function waitForStartupOutput(app: AppServer): Promise<void> {
  const marker = "built-in identity provider ready";
  await waitForOutput(app, marker, 10_000);
  expect(app.output(), "start-up never logged that the identity provider is ready").toContain(marker);
}

// Several app starts and embedded-database opens: slow on a busy 2-core machine.
describe(`the demo account on ${kind}`, { timeout: 180_000 }, () => {
  it("is created by exactly one of several concurrent callers on an empty database (NODE_ENV=test), and its password signs in", async () => {
    await useDatabase((await freshDatabase()).env);
    const results = await Promise.all([ensureDemoAccount(), ensureDemoAccount(), ensureDemoAccount()]);
    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(1);
    expect(created[0]).toEqual({ created: true, username: "demo", password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/) });
    expect(results.filter((r) => !r.created)).toEqual([{ created: false }, { created: false }]);
    expect(await (await db()).user.count()).toBe(1);
    const signIn = await authenticate({ username: "demo", password: created[0]!.password!, ip: "192.0.2.10" });
    expect(signIn).toMatchObject({ ok: true, account: { username: "demo", displayName: "Demo user", isAdmin: false } });
    expect(await ensureDemoAccount()).toEqual({ created: false });
  });

  it("is not created when the database already holds an account", async () => {
    await useDatabase((await freshDatabase()).env);
    await createAccount({ username: "first-admin", password: "a long admin password", isAdmin: true });
    expect(await ensureDemoAccount()).toEqual({ created: false });
    expect(await (await db()).user.findUnique({ where: { username: "demo" } })).toBeNull();
  });

  it("is not created by the production app without ALLOW_DEMO_ACCOUNTS", async () => {
    const database = await freshDatabase();
    await closeDatabase();
    const app = await start(database.env);
    await waitForStartupOutput(app);
    await app.stop();
    expect(app.output()).not.toContain(BANNER);
    expect(app.output()).not.toContain("Password:");
    await useDatabase(database.env);
    expect(await (await db()).user.count()).toBe(0);
  });

  it("with ALLOW_DEMO_ACCOUNTS=true in production: printed once, clearly labelled; a restart prints nothing", async () => {
    const database = await freshDatabase();
    await closeDatabase();
    const env = { ...database.env, ALLOW_DEMO_ACCOUNTS: "true" };
    const first = await start(env);
    await waitForOutput(first, "Password:");
    const output = first.output();
    expect(occurrences(output, BANNER)).toBe(1);
    expect(output).toContain("Username: demo");
    const password = passwordIn(output);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(occurrences(output, password!)).toBe(1); // only in the notice, in no log line
    await first.stop();

    const second = await start(env);
    await waitForStartupOutput(second);
    await second.stop();
    expect(second.output()).not.toContain(BANNER);
    expect(second.output()).not.toContain(password!);

    await useDatabase(database.env);
    expect(await authenticate({ username: "demo", password: password!, ip: "192.0.2.11" })).toMatchObject({ ok: true });
    expect(await (await db()).user.count()).toBe(1);
  });

  it.runIf(kind === "postgres")("two app processes starting at once on one database: one creates and prints, the other neither", async () => {
    const database = await freshDatabase();
    const env = { ...database.env, ALLOW_DEMO_ACCOUNTS: "true" };
    const apps = await Promise.all([start(env), start(env)]);
    await Promise.all(apps.map((app) => waitForStartupOutput(app)));
    const outputs = apps.map((app) => app.output());
    await Promise.all(apps.map((app) => app.stop()));
    expect(outputs.map((o) => occurrences(o, BANNER)).sort()).toEqual([0, 1]);
    expect(outputs.join("\n")).not.toContain("could not create the demo account");
    await useDatabase(database.env);
    expect(await (await db()).user.findMany({ select: { username: true } })).toEqual([{ username: "demo" }]);
  });
});
