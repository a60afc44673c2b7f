/**
 * The production build as Vercel runs it (VERCEL=1): without DATABASE_URL
 * and NEXTCLOUD_URL it refuses to start and names both (no PGlite, no
 * sandbox on a serverless runtime); with only what the Deploy button asks
 * for (NEXTCLOUD_URL, TOKEN_ENCRYPTION_KEYS) plus the store's DATABASE_URL,
 * sign-in, provisioning and a tool call work end to end.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startSandbox } from "@/lib/sandbox/start-sandbox";
import { expectStartFailure } from "../helpers/app-server";
import { createTestDatabase } from "../helpers/databases";
import { seedAccounts, startAppOnPort } from "../helpers/idp-app";
import { freePort } from "../helpers/ports";
import { ALICE, linkIn, openProvisioningLink, PersonClient, textOf, type ProvisioningStack } from "../helpers/provisioning-stack";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

describe("on Vercel (VERCEL=1)", { timeout: 240_000 }, () => {
  it("refuses to start without DATABASE_URL and NEXTCLOUD_URL, naming both, without a stack trace", async () => {
    const { code, output } = await expectStartFailure({ VERCEL: "1", DATA_DIR: "/nonexistent-on-serverless" });
    expect(code).not.toBe(0);
    expect(output).toMatch(/DATABASE_URL is required on Vercel/);
    expect(output).toMatch(/NEXTCLOUD_URL is required on Vercel/);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it("with the Deploy button's variables and a PostgreSQL store: sign-in, provisioning, a tool call", async () => {
    const database = await createTestDatabase("postgres");
    cleanups.push(() => database.drop());
    const ids = await seedAccounts(database, [ALICE]);
    const port = await freePort();
    const sandbox = await startSandbox({ issuer: `http://127.0.0.1:${port}/api/oidc`, audience: "nextcloud" });
    cleanups.push(() => sandbox.close());
    // APP_URL stands in for VERCEL_PROJECT_PRODUCTION_URL (https on Vercel; plain http here). No
    // OIDC_CLIENT_SECRET: the built-in IdP generates its own.
    const app = await startAppOnPort({ VERCEL: "1", DATABASE_URL: database.env.DATABASE_URL!, NEXTCLOUD_URL: sandbox.url }, port);
    cleanups.push(() => app.stop());
    const stack = { app, database, sandbox, ids, stop: async () => {} } as unknown as ProvisioningStack;
    const alice = await new PersonClient(stack, ALICE).connect();
    cleanups.push(() => alice.close());
    const link = linkIn(textOf(await alice.call("nc_get_user_info")));
    expect(link).toBeTruthy();
    expect((await openProvisioningLink(link!, ALICE)).outcome).toBe("provisioned");
    const result = await alice.call("nc_get_user_info");
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: "alice" }); // uid mapped from preferred_username, as user_oidc does
  });
});
