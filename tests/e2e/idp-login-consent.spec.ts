/**
 * A person signs in and answers the consent page of the built-in IdP in
 * Chromium — with JavaScript and without it (the forms are plain HTML posts
 * answered with 303s).
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";

const users = JSON.parse(readFileSync(new URL("./users.json", import.meta.url), "utf8")) as { username: string; password: string }[];
const alice = users[0]!;
// Nothing listens here: the test intercepts the client's redirect URI.
const REDIRECT_URI = "http://127.0.0.1:9/callback";

async function registerClient(baseURL: string, name: string): Promise<string> {
  const res = await fetch(`${baseURL}/api/oidc/reg`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: "none" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { client_id: string }).client_id;
}

function authorizationUrl(baseURL: string, clientId: string, state: string): string {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${baseURL}/api/oidc/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: "openid notes.read notes.write",
    resource: `${baseURL}/api/mcp`,
    state,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

/** Captures where the IdP finally sends the browser (the client's redirect URI). */
async function captureRedirect(page: Page): Promise<() => URL | undefined> {
  let landed: URL | undefined;
  await page.route("http://127.0.0.1:9/**", async (route) => {
    landed = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>client</title><h1>Back at the client</h1>" });
  });
  return () => landed;
}

async function signInAndAnswer(browser: Browser, baseURL: string, options: { javaScriptEnabled: boolean; answer: "Allow" | "Deny"; shot: string }) {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled });
  const page = await context.newPage();
  const landed = await captureRedirect(page);
  const clientId = await registerClient(baseURL, `Playwright ${options.shot}`);
  const state = randomBytes(8).toString("hex");

  await page.goto(authorizationUrl(baseURL, clientId, state));
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
  await page.screenshot({ path: test.info().outputPath(`${options.shot}-consent.png`), fullPage: true });

  await page.getByRole("button", { name: options.answer }).click();
  await expect(page.getByRole("heading", { name: "Back at the client" })).toBeVisible();
  const url = landed();
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
