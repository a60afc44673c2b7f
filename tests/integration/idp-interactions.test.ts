/**
 * The sign-in and consent pages of the built-in IdP, over plain HTTP like a
 * browser without JavaScript: one generic failure message, rate limiting,
 * CSRF defences on both forms, what the consent page shows, and when consent
 * is asked again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../helpers/app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "../helpers/databases";
import { ALICE, authorizationRequest, idpEnv, register, relyingParty, seedAccounts, startApp } from "../helpers/idp-app";
import { authorizeWithLogin, createCookieJar, type CookieJar } from "../helpers/oidc-login";

const kind = testDbKind();
const LOOPBACK = "http://127.0.0.1:9123/cb";
const WEB = "https://client.example/cb";
const GENERIC = "The username or password is incorrect.";

describe(`built-in IdP sign-in and consent on ${kind}`, () => {
  let database: TestDatabase;
  let app: AppServer;
  let native: string;
  let web: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedAccounts(database, [ALICE]);
    app = await startApp(idpEnv(database));
    native = (await register(app, { client_name: 'Evil <script>alert("x")</script> & Co', redirect_uris: [LOOPBACK], token_endpoint_auth_method: "none" })).body.client_id as string;
    web = (await register(app, { client_name: "Web Client", redirect_uris: [WEB], token_endpoint_auth_method: "none" })).body.client_id as string;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  async function authUrl(clientId: string, redirect: string, scope = "openid notes.read files.write") {
    const rp = await relyingParty(app, clientId);
    return (await authorizationRequest(rp, { redirect_uri: redirect, scope, resource: `${app.url}/api/mcp` })).url;
  }

  /** Opens the authorization URL in a fresh jar and returns the sign-in page and its form token. */
  async function openLoginPage(jar: CookieJar = createCookieJar()) {
    const start = await authUrl(native, LOOPBACK);
    const res = await fetch(start, { redirect: "manual" });
    jar.store(start, res.headers.getSetCookie());
    const page = new URL(res.headers.get("location")!, start);
    const html = await (await fetch(page, { headers: { cookie: jar.header(page) } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    return { jar, page, html, csrf: csrf! };
  }

  async function post(url: URL, jar: CookieJar, body: Record<string, string>, headers: Record<string, string> = { origin: app.url }) {
    return fetch(url, { method: "POST", redirect: "manual", headers: { cookie: jar.header(url), "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(body) });
  }

  it("shows a labelled sign-in form with a form token", async () => {
    const { html, csrf } = await openLoginPage();
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(html).toMatch(/<label[^>]*for="username"[^>]*>Username<\/label>/);
    expect(html).toMatch(/<label[^>]*for="password"[^>]*>Password<\/label>/);
    expect(html).toMatch(/<button[^>]*type="submit"[^>]*>Sign in<\/button>/);
  });

  it("answers a wrong password and an unknown user with the same message", async () => {
    const timed = async (username: string, password: string) => {
      const url = await authUrl(native, LOOPBACK);
      const started = Date.now();
      const result = await authorizeWithLogin({ authorizationUrl: url, username, password });
      return { result, ms: Date.now() - started };
    };
    // Two rounds, turn about, and the faster of each: one sample on a machine shared with another
    // test file can be several times its usual time (seen once: a cold first sign-in at 3×).
    const wrong: Awaited<ReturnType<typeof timed>>[] = [];
    const unknown: Awaited<ReturnType<typeof timed>>[] = [];
    for (let round = 0; round < 2; round++) {
      wrong.push(await timed(ALICE.username, "not-the-password"));
      unknown.push(await timed("nobody-here", "whatever-password"));
    }
    const alert = (html: string) => /<p role="alert"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
    for (const { result } of [...wrong, ...unknown]) {
      expect(result.loginError).toBe("invalid_credentials");
      expect(alert(result.page!)).toBe(GENERIC);
    }
    // Same work either way (a dummy hash for unknown users): within a generous factor.
    const [a, b] = [Math.min(...wrong.map((w) => w.ms)), Math.min(...unknown.map((u) => u.ms))];
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(3);
  });

  it("rate-limits repeated failures for one username", async () => {
    let last;
    for (let i = 0; i < 6; i++) {
      last = await authorizeWithLogin({ authorizationUrl: await authUrl(native, LOOPBACK), username: "mallory", password: `guess-${i}` });
    }
    expect(last!.loginError).toBe("rate_limited");
    expect(last!.page).toContain("Too many sign-in attempts");
  });

  it("refuses a sign-in post without the form token, with a wrong one, or from another origin", async () => {
    const { jar, page, csrf } = await openLoginPage();
    const login = new URL(`${page.pathname}/login`, page);
    const creds = { username: ALICE.username, password: ALICE.password };
    expect((await post(login, jar, creds)).status).toBe(403);
    expect((await post(login, jar, { ...creds, csrf: "A".repeat(43) })).status).toBe(403);
    expect((await post(login, jar, { ...creds, csrf }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await post(login, jar, { ...creds, csrf }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    // Without the interaction cookie (a cross-site form cannot send it), nothing is signed in.
    const noCookie = await post(login, createCookieJar(), { ...creds, csrf });
    expect(noCookie.status).toBe(303);
    expect(new URL(noCookie.headers.get("location")!).pathname).toBe(page.pathname);
    // The genuine post still works afterwards.
    const ok = await post(login, jar, { ...creds, csrf });
    expect(ok.status).toBe(303);
    expect(new URL(ok.headers.get("location")!).pathname).toMatch(/^\/api\/oidc\/auth\//);
  });

  it("shows the consent page with the escaped client name, redirect host, registration kind and scope explanations; its form is CSRF-protected", async () => {
    const { jar, page, csrf } = await openLoginPage();
    const ok = await post(new URL(`${page.pathname}/login`, page), jar, { csrf, username: ALICE.username, password: ALICE.password });
    let url = new URL(ok.headers.get("location")!);
    const resumed = await fetch(url, { redirect: "manual", headers: { cookie: jar.header(url) } });
    jar.store(url, resumed.headers.getSetCookie());
    url = new URL(resumed.headers.get("location")!, url);
    const html = await (await fetch(url, { headers: { cookie: jar.header(url) } })).text();
    expect(html).toContain("Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(html).not.toContain('<script>alert("x")');
    expect(html).toContain("127.0.0.1:9123");
    expect(html).toContain("Registered itself automatically");
    expect(html).toContain("Read your notes");
    expect(html).toContain("List, search and open notes in the Nextcloud Notes app.");
    expect(html).toContain("Change your files");
    // Choices grouped by Nextcloud app, each a ticked checkbox of the same form; openid is not a choice.
    expect(html).toMatch(/data-testid="scope-group-notes"[\s\S]*<input(?=[^>]*name="scope")(?=[^>]*value="notes\.read")(?=[^>]*checked)/);
    expect(html).toMatch(/data-testid="scope-group-files"[\s\S]*<input(?=[^>]*name="scope")(?=[^>]*value="files\.write")(?=[^>]*checked)/);
    expect(html).not.toMatch(/<input(?=[^>]*name="scope")(?=[^>]*value="openid")/);
    expect(html).toContain('data-testid="scope-group-required"');
    expect(html).toMatch(/<button[^>]*value="allow"[^>]*>Allow<\/button>/);
    expect(html).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/);
    const consent = new URL(`${url.pathname}/consent`, url);
    const token = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    expect((await post(consent, jar, { decision: "allow" })).status).toBe(403);
    expect((await post(consent, jar, { csrf: token, decision: "allow" }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await post(consent, jar, { csrf: await siblingToken(), decision: "allow" })).status).toBe(403);
    const allowed = await post(consent, jar, { csrf: token, decision: "allow" });
    expect(allowed.status).toBe(303);
  });

  /** A valid token of *another* interaction must not work for this one. */
  async function siblingToken() {
    return (await openLoginPage()).csrf;
  }

  it("asks a web client's user for consent once, even from a new browser; a native client every time (RFC 8252 §8.6)", async () => {
    const first = await authorizeWithLogin({ authorizationUrl: await authUrl(web, WEB), username: ALICE.username, password: ALICE.password });
    expect(first.steps).toEqual(["login", "consent"]);
    const again = await authorizeWithLogin({ authorizationUrl: await authUrl(web, WEB), username: ALICE.username, password: ALICE.password });
    expect(again.steps).toEqual(["login"]);
    expect(again.code).toBeTruthy();
    // A scope no tool uses is not a scope of the resource: no consent for it, and it never reaches the token.
    const unused = await authorizeWithLogin({ authorizationUrl: await authUrl(web, WEB, "openid notes.read tables.read"), username: ALICE.username, password: ALICE.password });
    expect(unused.steps).toEqual(["login"]);
    expect(unused.code).toBeTruthy();
    const more = await authorizeWithLogin({ authorizationUrl: await authUrl(web, WEB, "openid notes.read account.read"), username: ALICE.username, password: ALICE.password });
    expect(more.steps).toEqual(["login", "consent"]);
    expect(Object.keys(more.consentChoices ?? {})).toEqual(["account.read"]);
    const nativeAgain = await authorizeWithLogin({ authorizationUrl: await authUrl(native, LOOPBACK), username: ALICE.username, password: ALICE.password, jar: more.jar });
    expect(nativeAgain.steps).toEqual(["consent"]);
  });

  it("explains an expired or unknown interaction instead of failing", async () => {
    const res = await fetch(`${app.url}/interaction/doesnotexist123`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("This sign-in request has expired");
  });
});
