/**
 * `npm run doctor` against the real app and the Nextcloud sandbox (every line
 * ok but the ones that name the sandbox; with --account, OCS, WebDAV and
 * Notes accept a token obtained for Alice), and against a misconfigured
 * deployment where each problem is named on its own line with a fix: plain
 * http in production, an unreachable database, an IdP announcing another
 * issuer, no token exchange and a private key in its JWKS, a Nextcloud 29
 * without Notes, a test-only switch, a missing encryption key. The start-up
 * summary is checked in the app's log.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { DoctorLine, DoctorReport } from "@/lib/doctor/report";
import { startApp } from "../helpers/app-server";
import { createTestDatabase, type TestDbKind } from "../helpers/databases";
import { SERVER_CLIENT_SECRET } from "../helpers/idp-app";
import { ALICE, linkIn, openProvisioningLink, PersonClient, startProvisioningStack, textOf } from "../helpers/provisioning-stack";
import { freePort } from "../helpers/ports";
import { runScript } from "../helpers/run-cli";
import { TEST_ENCRYPTION_KEYS } from "../helpers/app-server";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

const statusOf = (report: DoctorReport) => Object.fromEntries(report.lines.map((l) => [l.check, l.status]));
const line = (report: DoctorReport, check: string): DoctorLine => {
  const found = report.lines.find((l) => l.check === check);
  if (!found) throw new Error(`no ${check} line in ${JSON.stringify(report.lines.map((l) => l.check))}`);
  return found;
};

async function doctor(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; report: DoctorReport; text: string }> {
  const result = await runScript("doctor.ts", ["--json", ...args], env, { timeoutMs: 90_000 });
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return { code: result.code, report: JSON.parse(result.stdout) as DoctorReport, text: result.stdout + result.stderr };
}

describe("npm run doctor", { timeout: 240_000 }, () => {
  it("against the app and the sandbox: a correct report, and with --account the sandbox accepts this server's token on OCS, WebDAV and Notes", async () => {
    // The CLI and the app share the database while both run: that needs PostgreSQL (PGlite admits one process).
    const previous = process.env.TEST_DB;
    process.env.TEST_DB = "postgres" satisfies TestDbKind;
    const stack = await startProvisioningStack().finally(() => (process.env.TEST_DB = previous));
    cleanups.push(() => stack.stop());
    const alice = await new PersonClient(stack, ALICE).connect();
    cleanups.push(() => alice.close());
    const link = linkIn(textOf(await alice.call("nc_get_user_info")))!;
    expect((await openProvisioningLink(link, ALICE)).outcome).toBe("provisioned");

    const env = {
      ...stack.database.env,
      APP_URL: stack.app.url,
      PORT: String(stack.app.port),
      SANDBOX_PORT: new URL(stack.sandbox.url).port,
      TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      OIDC_CLIENT_SECRET: SERVER_CLIENT_SECRET,
    };
    // Three independent runs (one CLI process each, PostgreSQL shared with the app): side by side.
    const [{ code, report, text }, anonymous, unknown] = await Promise.all([doctor(env, ["--account", "alice"]), doctor(env), doctor(env, ["--account", "nobody"])]);
    expect(statusOf(report)).toEqual({
      "config.app_url": "ok",
      "config.encryption_keys": "ok",
      "config.test_flags": "ok",
      "config.nextcloud_url": "warning", // the sandbox stands in for Nextcloud
      database: "ok",
      "database.migrations": "ok",
      "idp.discovery": "ok",
      "idp.token_exchange": "ok",
      "idp.jwks": "ok",
      "nextcloud.reachable": "ok",
      "nextcloud.version": "ok",
      "nextcloud.apps": "warning", // anonymously the sandbox (like Nextcloud) lists only public capabilities: said so
      "nextcloud.user_oidc": "ok",
      "account.token": "ok",
      "account.ocs": "ok",
      "account.webdav": "ok",
      "account.notes": "ok",
    });
    expect(line(report, "nextcloud.version").detail).toMatch(/30\+ needed/);
    expect(line(report, "nextcloud.apps").detail).toMatch(/sandbox/);
    expect(code).toBe(0);
    // The token was used, never shown.
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(text).not.toContain(TEST_ENCRYPTION_KEYS.split(":")[1]);

    // Without --account no token is minted.
    expect(anonymous.report.lines.some((l) => l.check.startsWith("account"))).toBe(false);
    expect(line(unknown.report, "account").status).toBe("error");
    expect(unknown.code).toBe(1);
  });

  it("against a misconfigured deployment: each problem on its own line, with a fix", async () => {
    // One small server plays a bad external IdP (/idp) and an old Nextcloud without Notes.
    const fake = http.createServer((req, res) => {
      const send = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      const base = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      if (req.url === "/idp/.well-known/openid-configuration") return send({ issuer: "https://someone-else.example", jwks_uri: `${base}/idp/jwks`, grant_types_supported: ["authorization_code"] });
      if (req.url === "/idp/jwks") return send({ keys: [{ kty: "EC", crv: "P-256", x: "x", y: "y", d: "private" }] });
      if (req.url === "/status.php") return send({ installed: true, maintenance: false, needsDbUpgrade: false, version: "29.0.7.1", versionstring: "29.0.7", productname: "Nextcloud" });
      if (req.url?.startsWith("/ocs/v2.php/cloud/capabilities")) return send({ ocs: { meta: { status: "ok" }, data: { capabilities: { files: {}, dav: {} } } } });
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => fake.close(resolve)));
    const fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const closedPort = await freePort();

    const production = {
      NODE_ENV: "production",
      APP_URL: `http://127.0.0.1:${closedPort}`,
      PORT: String(closedPort),
      TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      DATABASE_URL: `postgres://nobody@127.0.0.1:${closedPort}/none`,
      OIDC_ISSUER: `${fakeUrl}/idp`,
      OIDC_CLIENT_SECRET: "doctor-test-client-secret-0123456789",
      NEXTCLOUD_URL: fakeUrl,
      ALLOW_DEMO_ACCOUNTS: "true",
    };
    const [bad, testFlag, noKey, demo] = await Promise.all([
      doctor(production),
      doctor({ ...production, NODE_ENV: "test", MCP_INSECURE_DISABLE_AUTH: "true" }),
      doctor({ ...production, TOKEN_ENCRYPTION_KEYS: "" }),
      doctor({ ...production, OIDC_ISSUER: "", OIDC_CLIENT_SECRET: "" }), // the built-in IdP, with demo accounts allowed
    ]);
    expect(line(demo.report, "config.demo_accounts").status).toBe("warning");
    expect(line(demo.report, "idp.discovery")).toMatchObject({ status: "error", fix: expect.stringMatching(/start the app/) });
    expect(bad.code).toBe(1);
    expect(statusOf(bad.report)).toMatchObject({
      "config.app_url": "error",
      database: "error",
      "idp.discovery": "error",
      "idp.token_exchange": "error",
      "idp.jwks": "error",
      "nextcloud.reachable": "ok",
      "nextcloud.version": "error",
      "nextcloud.apps": "warning",
      "nextcloud.user_oidc": "warning",
    });
    expect(line(bad.report, "idp.discovery").detail).toContain("https://someone-else.example");
    expect(line(bad.report, "idp.jwks").detail).toMatch(/private/);
    expect(line(bad.report, "nextcloud.version").detail).toMatch(/29\.0\.7/);
    expect(line(bad.report, "nextcloud.apps").detail).toMatch(/missing: notes/);
    for (const l of bad.report.lines.filter((l) => l.status !== "ok")) expect(l.fix, l.check).toBeTruthy();
    expect(bad.text).not.toContain("doctor-test-client-secret");

    expect(line(testFlag.report, "config.test_flags")).toMatchObject({ status: "error", detail: expect.stringContaining("MCP_INSECURE_DISABLE_AUTH") });
    expect(noKey.code).toBe(1);
    expect(line(noKey.report, "config.token_encryption_keys").status).toBe("error");
  });

  it("production start-up logs the summary and each problem", async () => {
    const database = await createTestDatabase("pglite");
    cleanups.push(() => database.drop());
    const closedPort = await freePort();
    const app = await startApp({ ...database.env, DOCTOR_ON_START: "true", SANDBOX_PORT: String(closedPort) });
    cleanups.push(() => app.stop());
    const deadline = Date.now() + 60_000;
    // The summary and each problem are separate log lines (errors and warnings may reach the pipe in either order): wait for both.
    const logged = () => /doctor: \d+ ok/.test(app.output()) && /doctor: nextcloud\.reachable: /.test(app.output());
    while (!logged() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(app.output()).toMatch(/doctor: \d+ ok, \d+ warnings?, [1-9]\d* errors?/);
    expect(app.output()).toMatch(/doctor: nextcloud\.reachable: .*did not answer/);
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200); // reported, never stopped
  });
});
