/**
 * X-Forwarded-* headers are the client's word. Without TRUST_PROXY they must
 * not let a client pick the address it is rate-limited under (a fresh
 * X-Forwarded-For per attempt would otherwise reset the per-IP limit).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { authorizationRequest, idpEnv, register, relyingParty, startApp } from "../helpers/idp-app";
import { authorizeWithLogin, postLoginAgain } from "../helpers/oidc-login";

const kind = testDbKind();
const REDIRECT = "http://127.0.0.1:9124/cb";
let app: AppServer | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await app?.stop();
  await database?.drop();
});

/**
 * `count` failed sign-ins, each under a new spoofed address and a new username (so only the per-IP
 * limit can trip). One authorization request reaches the sign-in form; the later attempts post that
 * form again, as an attacker would. Those between the first and the last go at once (the limiter
 * counts concurrent attempts atomically, accounts-authenticate.test.ts), so their password checks
 * share the cores; the last one goes after all of them.
 */
async function failedLogins(count: number): Promise<string[]> {
  const clientId = (await register(app!, { client_name: "Spoofer", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" })).body.client_id as string;
  const rp = await relyingParty(app!, clientId);
  const { url } = await authorizationRequest(rp, { redirect_uri: REDIRECT, scope: "openid notes.read", resource: `${app!.url}/api/mcp` });
  const spoof = (i: number) => {
    const spoofed = `203.0.113.${i + 1}`;
    return { "x-forwarded-for": spoofed, "x-real-ip": spoofed, forwarded: `for=${spoofed}` };
  };
  const first = await authorizeWithLogin({ authorizationUrl: url, username: "nobody-0", password: "wrong-password", headers: spoof(0) });
  const again = (i: number) => postLoginAgain(first, { username: `nobody-${i}`, password: "wrong-password", headers: spoof(i) });
  const middle = await Promise.all(Array.from({ length: count - 2 }, (_, k) => again(k + 1)));
  return [first.loginError ?? "none", ...middle, await again(count - 1)];
}

describe(`forwarded headers on ${kind}`, () => {
  it("without TRUST_PROXY, a spoofed X-Forwarded-For does not escape the per-IP login limit", async () => {
    database = await createTestDatabase(kind);
    app = await startApp(idpEnv(database));
    const outcomes = await failedLogins(21);
    expect(outcomes.slice(0, 20).every((o) => o === "invalid_credentials")).toBe(true);
    expect(outcomes[20]).toBe("rate_limited");
  });

  it("with TRUST_PROXY=true, the proxy's X-Forwarded-For is the client address", async () => {
    database = await createTestDatabase(kind);
    app = await startApp(idpEnv(database, { TRUST_PROXY: "true" }));
    const outcomes = await failedLogins(21);
    expect(outcomes.every((o) => o === "invalid_credentials")).toBe(true);
  });
});
