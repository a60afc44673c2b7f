/**
 * The OCS current-user client against the sandbox: an "ocs" request (with
 * OCS-APIRequest), and Nextcloud's quota values — a limit in bytes, or -3
 * for a user without one (measured on Nextcloud 32), shown as unlimited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCurrentUser } from "@/lib/nextcloud/get-current-user";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { connectionFor } from "../helpers/nextcloud-connection";
import { startTestIssuer, type TestIssuer } from "../helpers/test-issuer";

let issuer: TestIssuer;
let limited: Sandbox;
let unlimited: Sandbox;

beforeAll(async () => {
  issuer = await startTestIssuer();
  limited = await startSandbox({ issuer: issuer.issuer, recordTokens: true });
  unlimited = await startSandbox({ issuer: issuer.issuer, userMapping: { quotaBytes: null } });
});
afterAll(async () => {
  await limited?.close();
  await unlimited?.close();
  await issuer?.close();
});

describe("getCurrentUser", () => {
  it("reads a user with a quota: used, free, total and percentage", async () => {
    const connection = await connectionFor(issuer, limited.url, "quota-user", ["account.read"]);
    const user = await getCurrentUser({ token: connection.token, baseUrl: limited.url });
    expect(user).toMatchObject({ id: "quota-user", quota: { unlimited: false, totalBytes: 1024 ** 3, usedBytes: 0, relativePercent: 0 } });
  });

  it("reads quota -3 as unlimited, without a made-up total", async () => {
    const connection = await connectionFor(issuer, unlimited.url, "free-user", ["account.read"]);
    const user = await getCurrentUser({ token: connection.token, baseUrl: unlimited.url });
    expect(user.quota).toEqual({ unlimited: true, usedBytes: 0, freeBytes: null, totalBytes: null, relativePercent: null });
  });
});
