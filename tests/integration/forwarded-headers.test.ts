/**
 * X-Forwarded-* headers are the client's word. Without TRUST_PROXY they must
 * not let a client pick the address it is rate-limited under (a fresh
 * X-Forwarded-For per attempt would otherwise reset the per-IP limit).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { authorizationRequest, idpEnv, register, relyingParty, startApp } from "../helpers/idp-app";
import { authorizeWithLogin } from "../helpers/oidc-login";

const kind = testDbKind();
const REDIRECT = "http://127.0.0.1:9124/cb";
let app: AppServer | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await app?.stop();
  await database?.drop();
});

async function failedLogins(count: number): Promise<string[]> {
  const clientId = (await register(app!, { client_name: "Spoofer", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" })).body.client_id as string;
  const rp = await relyingParty(app!, clientId);
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) {
    const { url } = await authorizationRequest(rp, { redirect_uri: REDIRECT, scope: "openid notes.read", resource: `${app!.url}/api/mcp` });
    const spoofed = `203.0.113.${i + 1}`;
    const result = await authorizeWithLogin({
      authorizationUrl: url,
      username: `nobody-${i}`, // a new username each time: only the per-IP limit can trip
      password: "wrong-password",
      headers: { "x-forwarded-for": spoofed, "x-real-ip": spoofed, forwarded: `for=${spoofed}` },
    });
    outcomes.push(result.loginError ?? "none");
  }
  return outcomes;
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
