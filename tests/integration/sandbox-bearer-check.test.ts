/**
 * The Nextcloud sandbox's front, over real HTTP on 127.0.0.1, against a real
 * issuer (tests/helpers/test-issuer.ts: discovery + JWKS + signed tokens):
 * the user_oidc-style bearer check, Nextcloud's OCS envelope and errors, the
 * per-API scope, and the record of accepted tokens.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@/lib/sandbox/start-sandbox";
import { startTestIssuer, type TestIssuer } from "../helpers/test-issuer";

const USER_PATH = "/ocs/v2.php/cloud/user?format=json";
let issuer: TestIssuer;
let sandbox: Sandbox;

beforeAll(async () => {
  issuer = await startTestIssuer();
  sandbox = await startSandbox({ issuer: issuer.issuer, audience: "nextcloud", recordTokens: true, jwksCacheTtlMs: 0 });
});
afterAll(async () => {
  await sandbox?.close();
  await issuer?.close();
});
beforeEach(() => sandbox.seen.clear());

async function call(token: string | undefined, options: { path?: string; ocsHeader?: boolean; method?: string; authorization?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.ocsHeader !== false) headers["OCS-APIRequest"] = "true";
  if (options.authorization) headers.authorization = options.authorization;
  else if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${sandbox.url}${options.path ?? USER_PATH}`, { method: options.method ?? "GET", headers });
  const text = await response.text();
  let json: { ocs?: { meta: { status: string; statuscode: number; message: string }; data: Record<string, unknown> } } = {};
  try {
    json = JSON.parse(text);
  } catch {
    // XML or plain text answers
  }
  return { status: response.status, headers: response.headers, text, json };
}

async function expectRefused(token: string, reason: RegExp) {
  const recorded = sandbox.seen.list().length;
  const r = await call(token);
  expect(r.status).toBe(401);
  expect(r.json.ocs?.meta).toMatchObject({ status: "failure", statuscode: 997 });
  expect(r.json.ocs?.meta.message).toMatch(reason);
  expect(r.json.ocs?.data).toEqual([]);
  expect(r.headers.get("www-authenticate")).toMatch(/^Bearer realm="Nextcloud sandbox", error="invalid_token"/);
  expect(r.text).not.toContain(token);
  // A refused token is not "seen": only accepted tokens are recorded.
  expect(sandbox.seen.list()).toHaveLength(recorded);
}

describe("the sandbox's OCS user endpoint", () => {
  it("answers the token's user in Nextcloud's OCS envelope", async () => {
    const token = await issuer.mint({ sub: "alice", name: "Alice Liddell", email: "alice@example.test" });
    const r = await call(token);
    expect(r.status).toBe(200);
    expect(r.headers.get("server")).toBe("nextcloud-sandbox");
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.json.ocs?.meta).toMatchObject({ status: "ok", statuscode: 200, message: "OK" });
    expect(r.json.ocs?.data).toMatchObject({
      id: "alice",
      displayname: "Alice Liddell",
      "display-name": "Alice Liddell",
      email: "alice@example.test",
      groups: ["users"],
      enabled: true,
      backend: "user_oidc",
    });
    expect(r.json.ocs?.data.quota).toEqual({ free: 1024 ** 3, used: 0, total: 1024 ** 3, relative: 0, quota: 1024 ** 3 });
  });

  it("keeps users apart, maps the uid from preferred_username then sub, and the display name from name", async () => {
    const bob = await call(await issuer.mint({ sub: "b-0001", preferred_username: "bob", name: "Bob Builder" }));
    expect(bob.json.ocs?.data).toMatchObject({ id: "bob", displayname: "Bob Builder", email: null });
    const carol = await call(await issuer.mint({ sub: "carol" }));
    expect(carol.json.ocs?.data).toMatchObject({ id: "carol", displayname: "carol" });
    // A value Nextcloud cannot use as a user id is hashed.
    const odd = await call(await issuer.mint({ sub: "user/with:odd#chars" }));
    expect(odd.json.ocs?.data.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers in XML without format=json, as Nextcloud does", async () => {
    const r = await call(await issuer.mint({ sub: "alice" }), { path: "/ocs/v2.php/cloud/user" });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(r.text).toMatch(/<ocs>\s*<meta>\s*<status>ok<\/status>\s*<statuscode>200<\/statuscode>/);
    expect(r.text).toMatch(/<id>alice<\/id>/);
    expect(r.text).toMatch(/<groups>\s*<element>users<\/element>/);
  });

  it("applies Nextcloud's CSRF rule: a correct Bearer passes without OCS-APIRequest, a lowercase bearer gets 412", async () => {
    const token = await issuer.mint();
    expect((await call(token, { ocsHeader: false })).status).toBe(200);
    const r = await call(undefined, { ocsHeader: false, authorization: `bearer ${token}` });
    expect(r.status).toBe(412);
    expect(JSON.parse(r.text)).toEqual({ message: "CSRF check failed" });
    expect(sandbox.seen.list().map((s) => s.outcome)).toEqual(["served", "csrf_check_failed"]);
  });

  it("refuses a token without account.read with 403 and says which scope is missing", async () => {
    const r = await call(await issuer.mint({ scope: "notes.read files.read" }));
    expect(r.status).toBe(403);
    expect(r.json.ocs?.meta).toMatchObject({ status: "failure", statuscode: 403 });
    expect(r.json.ocs?.meta.message).toMatch(/lacks the scope account\.read.*GET \/ocs\/v2\.php\/cloud\/user.*it has: notes\.read files\.read/);
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="Nextcloud sandbox", error="insufficient_scope", scope="account.read"');
    const none = await call(await issuer.mint({ scope: undefined }));
    expect(none.status).toBe(403);
    expect(none.json.ocs?.meta.message).toMatch(/it has: none/);
  });

  it("answers 405 for a method the API does not have, before looking at the token", async () => {
    const r = await call(undefined, { method: "DELETE" });
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("GET");
  });
});

describe("the bearer check (as user_oidc)", () => {
  it("asks for a token when none was sent, without an error code (RFC 6750 §3.1)", async () => {
    const r = await call(undefined);
    expect(r.status).toBe(401);
    expect(r.json.ocs?.meta.statuscode).toBe(997);
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="Nextcloud sandbox"');
    const basic = await call(undefined, { authorization: "Basic YWxpY2U6c2VjcmV0" });
    expect(basic.status).toBe(401);
  });

  it("refuses a token for another audience (no passthrough of the MCP token)", async () => {
    await expectRefused(await issuer.mint({ aud: "http://127.0.0.1:3000/api/mcp" }), /audience/);
    await expectRefused(await issuer.mint({ aud: ["mcp-server", "other"] }), /audience/);
    await expectRefused(await issuer.mint({ aud: undefined }), /audience|aud/);
  });

  it("accepts an audience array that contains Nextcloud's", async () => {
    expect((await call(await issuer.mint({ aud: ["nextcloud", "other"] }))).status).toBe(200);
  });

  it("refuses an expired token, one not valid yet, and one without exp", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await issuer.mint({ iat: now - 900, exp: now - 600 }), /expired/);
    await expectRefused(await issuer.mint({ nbf: now + 600 }), /not valid yet/);
    await expectRefused(await issuer.mint({ exp: undefined }), /exp/);
  });

  it("refuses another issuer and a token without sub", async () => {
    await expectRefused(await issuer.mint({ iss: "http://127.0.0.1:1/evil" }), /untrusted issuer/);
    await expectRefused(await issuer.mint({ sub: undefined }), /sub/);
  });

  it("refuses a bad signature", async () => {
    const token = await issuer.mint({ scope: "account.read" });
    const [h, , s] = token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()), sub: "mallory" })).toString("base64url");
    await expectRefused(`${h}.${forgedPayload}.${s}`, /signature/);
    // Signed by a key the issuer never published, under a published kid.
    const rogue = await issuer.addKey({ publish: false });
    await expectRefused(await issuer.mint({}, { key: rogue, kid: issuer.keys[0]!.kid }), /signature/);
  });

  it("refuses alg none and HS256 keyed with the public key", async () => {
    await expectRefused(issuer.mintUnsigned(), /algorithm/);
    await expectRefused(await issuer.mintWithPublicKeyAsHmacSecret(), /algorithm/);
  });

  it("refuses a key the issuer never published; accepts a rotated-in key once its cached set expired", async () => {
    await call(await issuer.mint());
    const unpublished = await issuer.addKey({ publish: false });
    await expectRefused(await issuer.mint({}, { key: unpublished }), /unknown key|no applicable key/);
    // This sandbox caches the key set for 0 ms: the next request sees the rotated key.
    const rotated = await issuer.addKey({ alg: "RS256" });
    const r = await call(await issuer.mint({}, { key: rotated }));
    expect(r.status).toBe(200);
  });
});

describe("the sandbox's record of accepted tokens", () => {
  it("lists audience, scopes, actor and lifetime at /__sandbox/seen, never the token", async () => {
    const token = await issuer.mint({ sub: "alice", scope: "account.read", act: { sub: "mcp-server" }, exp: Math.floor(Date.now() / 1000) + 120 });
    await call(token);
    await call(await issuer.mint({ aud: "somebody-else" }));
    const seen = await (await fetch(`${sandbox.url}/__sandbox/seen`)).json();
    expect(seen.tokens).toHaveLength(1);
    expect(seen.tokens[0]).toMatchObject({ sub: "alice", aud: "nextcloud", scope: ["account.read"], act: { sub: "mcp-server" }, outcome: "served", method: "GET", path: "/ocs/v2.php/cloud/user" });
    expect(seen.tokens[0].lifetime).toBeGreaterThanOrEqual(119);
    expect(seen.tokens[0].lifetime).toBeLessThanOrEqual(121);
    expect(JSON.stringify(seen)).not.toContain(token.split(".")[2]);
    await fetch(`${sandbox.url}/__sandbox/seen`, { method: "DELETE" });
    expect((await (await fetch(`${sandbox.url}/__sandbox/seen`)).json()).tokens).toEqual([]);
  });

  it("lists each request served with a valid app password (login name, method, path), never the password, and no token entry for it", async () => {
    sandbox.appPasswordUses.clear();
    // Login Flow v2 as a client runs it: start, the person grants at the login page, one poll hands out the app password.
    const started = (await (await fetch(`${sandbox.url}/index.php/login/v2`, { method: "POST" })).json()) as { poll: { token: string; endpoint: string }; login: string };
    const granted = await fetch(started.login, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ user: "alice", password: "alice", decision: "grant" }) });
    expect(granted.status).toBe(200);
    await granted.body?.cancel();
    const polled = (await (await fetch(started.poll.endpoint, { method: "POST", body: new URLSearchParams({ token: started.poll.token }) })).json()) as { loginName: string; appPassword: string };
    const basic = `Basic ${Buffer.from(`${polled.loginName}:${polled.appPassword}`).toString("base64")}`;
    expect((await call(undefined, { authorization: basic })).status).toBe(200);
    // A wrong app password is refused and not recorded.
    expect((await call(undefined, { authorization: `Basic ${Buffer.from("alice:not-it").toString("base64")}` })).status).toBe(401);
    const seen = await (await fetch(`${sandbox.url}/__sandbox/seen`)).json();
    expect(seen.appPasswordUses).toEqual([{ at: expect.any(String), method: "GET", path: "/ocs/v2.php/cloud/user", loginName: "alice" }]);
    expect(seen.tokens).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain(polled.appPassword);
    await fetch(`${sandbox.url}/__sandbox/seen`, { method: "DELETE" });
    expect(sandbox.appPasswordUses.list()).toEqual([]);
  });

  it("does not exist unless the sandbox was started to record", async () => {
    const plain = await startSandbox({ issuer: issuer.issuer });
    try {
      expect((await fetch(`${plain.url}/__sandbox/seen`)).status).toBe(404);
      const r = await fetch(`${plain.url}${USER_PATH}`, { headers: { authorization: `Bearer ${await issuer.mint()}`, "OCS-APIRequest": "true" } });
      expect(r.status).toBe(200);
      expect(plain.seen.list()).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});

describe("the sandbox as a whole", () => {
  it("labels itself a sandbox at / and in status.php", async () => {
    const page = await fetch(`${sandbox.url}/`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("Nextcloud sandbox");
    expect(html).toContain("not a real Nextcloud");
    expect(html).toContain("account.read");
    const status = await (await fetch(`${sandbox.url}/status.php`)).json();
    expect(status).toMatchObject({ installed: true, maintenance: false, productname: "Nextcloud sandbox" });
  });

  it("answers unknown OCS paths with OCS 998 and other paths with 404", async () => {
    const ocs = await call(await issuer.mint(), { path: "/ocs/v2.php/apps/nope?format=json" });
    expect(ocs.status).toBe(404);
    expect(ocs.json.ocs?.meta.statuscode).toBe(998);
    expect((await call(undefined, { path: "/nothing-here" })).status).toBe(404);
  });

  it("says 503 while the IdP's keys cannot be fetched, and recovers without a restart", async () => {
    const fresh = await startSandbox({ issuer: issuer.issuer });
    try {
      issuer.setAvailable(false);
      const token = await issuer.mint();
      const headers = { authorization: `Bearer ${token}`, "OCS-APIRequest": "true" };
      const down = await fetch(`${fresh.url}${USER_PATH}`, { headers });
      expect(down.status).toBe(503);
      expect((await down.json()).ocs.meta.message).toMatch(/keys could not be fetched/);
      issuer.setAvailable(true);
      expect((await fetch(`${fresh.url}${USER_PATH}`, { headers })).status).toBe(200);
    } finally {
      issuer.setAvailable(true);
      await fresh.close();
    }
  });

  it("does not refetch the JWKS for an unknown kid while the cached set is fresh (user_oidc keeps it an hour)", async () => {
    const guarded = await startSandbox({ issuer: issuer.issuer, jwksCacheTtlMs: 60_000 });
    try {
      const headers = async (token: string) => ({ authorization: `Bearer ${token}`, "OCS-APIRequest": "true" });
      expect((await fetch(`${guarded.url}${USER_PATH}`, { headers: await headers(await issuer.mint()) })).status).toBe(200);
      const before = issuer.hits.jwks;
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${guarded.url}${USER_PATH}`, { headers: await headers(await issuer.mint({}, { kid: `made-up-${i}` })) });
        expect(r.status).toBe(401);
      }
      expect(issuer.hits.jwks).toBe(before);
    } finally {
      await guarded.close();
    }
  });
});
