/**
 * A person signs in and answers the consent page of the built-in IdP in
 * Chromium — with JavaScript and without it (the forms are plain HTML posts
 * answered with 303s): allow, deny, and allow after unticking a scope, which
 * then is missing from the token.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Browser } from "@playwright/test";
import { usersOf } from "./e2e-users";

const { alice } = usersOf(import.meta.url);

// The client's redirect URI: a small HTTP server of this file that answers with a page of its own and
// keeps every URL it was sent to, by `state`. Not page.route: Playwright does not route a request that a
// redirect chain leads to (the IdP's 303 to this URI), so the navigation failed first and only Chromium's
// automatic reload of its error page, a second later, reached the route (~1.4 s per test).
let REDIRECT_URI = "";
const landings = new Map<string, URL>();
let client: Server;
test.beforeAll(async () => {
  client = createServer((req, res) => {
    const url = new URL(req.url ?? "/", REDIRECT_URI);
    const state = url.searchParams.get("state");
    if (url.pathname === "/callback" && state) landings.set(state, url);
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>client</title><h1>Back at the client</h1>");
  });
  await new Promise<void>((resolve) => client.listen(0, "127.0.0.1", resolve));
  REDIRECT_URI = `http://127.0.0.1:${(client.address() as AddressInfo).port}/callback`;
});
test.afterAll(async () => {
  client.closeAllConnections();
  await new Promise((resolve) => client.close(resolve));
});

async function registerClient(baseURL: string, name: string): Promise<string> {
  const res = await fetch(`${baseURL}/api/oidc/reg`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: "none" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { client_id: string }).client_id;
}

function authorizationUrl(baseURL: string, clientId: string, state: string, verifier = randomBytes(32).toString("base64url")): string {
  const url = new URL(`${baseURL}/api/oidc/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: "openid offline_access notes.read notes.write",
    resource: `${baseURL}/api/mcp`,
    state,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

/** Exchanges the code (RFC 6749 §4.1.3 with PKCE) and returns the access token's scopes and whether a refresh token came. */
async function redeem(baseURL: string, clientId: string, code: string, verifier: string): Promise<{ scopes: string[]; refresh: boolean }> {
  const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, client_id: clientId, code_verifier: verifier, resource: `${baseURL}/api/mcp` });
  const res = await fetch(`${baseURL}/api/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  expect(res.status).toBe(200);
  const tokens = (await res.json()) as { access_token: string; refresh_token?: string };
  const claims = JSON.parse(Buffer.from(tokens.access_token.split(".")[1]!, "base64url").toString()) as { scope?: string };
  return { scopes: (claims.scope ?? "").split(" ").filter(Boolean), refresh: typeof tokens.refresh_token === "string" };
}

async function signInAndAnswer(
  browser: Browser,
  baseURL: string,
  options: { javaScriptEnabled: boolean; answer: "Allow" | "Deny"; shot: string; untick?: string[]; verifier?: string; onClient?: (clientId: string) => void },
) {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled });
  const page = await context.newPage();
  const clientId = await registerClient(baseURL, `Playwright ${options.shot}`);
  options.onClient?.(clientId);
  const state = randomBytes(8).toString("hex");

  await page.goto(authorizationUrl(baseURL, clientId, state, options.verifier));
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath(`${options.shot}-login.png`), fullPage: true });

  // A wrong password first: one generic message, the form stays usable.
  await page.getByLabel("Username").fill(alice.username);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("incorrect");

  await page.getByLabel("Username").fill(alice.username);
  await page.getByLabel("Password").fill(alice.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  // The consent page: who asks, for what, explained.
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText(`Playwright ${options.shot}`);
  await expect(page.getByRole("main")).toContainText("127.0.0.1");
  await expect(page.getByRole("main")).toContainText("Read your notes");
  await expect(page.getByRole("main")).toContainText("Change your notes");
  // Each choice is a ticked checkbox labelled with its explanation; openid is not a choice.
  await expect(page.getByRole("checkbox", { name: /Read your notes/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Change your notes/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Stay connected/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Know who you are/ })).toHaveCount(0);
  for (const label of options.untick ?? []) await page.getByRole("checkbox", { name: new RegExp(label) }).uncheck();
  await page.screenshot({ path: test.info().outputPath(`${options.shot}-consent.png`), fullPage: true });

  await page.getByRole("button", { name: options.answer }).click();
  await expect(page.getByRole("heading", { name: "Back at the client" })).toBeVisible();
  const url = landings.get(state);
  await context.close();
  expect(url).toBeDefined();
  expect(url!.searchParams.get("state")).toBe(state);
  expect(url!.searchParams.get("iss")).toBe(`${baseURL}/api/oidc`);
  return url!;
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`sign in and allow ${mode}: the client gets a code`, async ({ browser, baseURL }) => {
    const url = await signInAndAnswer(browser, baseURL!, { javaScriptEnabled, answer: "Allow", shot: javaScriptEnabled ? "js-allow" : "nojs-allow" });
    expect(url.searchParams.get("code")).toMatch(/.{20,}/);
    expect(url.searchParams.get("error")).toBeNull();
  });

  test(`sign in and deny ${mode}: the client gets access_denied`, async ({ browser, baseURL }) => {
    const url = await signInAndAnswer(browser, baseURL!, { javaScriptEnabled, answer: "Deny", shot: javaScriptEnabled ? "js-deny" : "nojs-deny" });
    expect(url.searchParams.get("error")).toBe("access_denied");
    expect(url.searchParams.get("code")).toBeNull();
  });
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`untick "Change your notes" and "Stay connected" ${mode}: the token holds only what stayed ticked`, async ({ browser, baseURL }) => {
    const verifier = randomBytes(32).toString("base64url");
    let clientId = "";
    const url = await signInAndAnswer(browser, baseURL!, {
      javaScriptEnabled,
      answer: "Allow",
      shot: javaScriptEnabled ? "js-untick" : "nojs-untick",
      untick: ["Change your notes", "Stay connected"],
      verifier,
      onClient: (id) => (clientId = id),
    });
    const token = await redeem(baseURL!, clientId, url.searchParams.get("code")!, verifier);
    expect(token.scopes).toContain("notes.read");
    expect(token.scopes).not.toContain("notes.write");
    expect(token.refresh).toBe(false);
  });
}
