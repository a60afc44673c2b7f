/**
 * Shared steps of the dashboard's browser tests: signing in through the
 * identity provider's own pages (signIn; signInOnce reuses a spec file's first
 * sign-in of a person), accessibility checks (axe: no serious or critical
 * violation) and screenshots saved as test artifacts.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import type { E2eUser } from "./e2e-users";

export type { E2eUser };

/** From a page that shows the IdP's sign-in form: signs in and allows the consent if it is asked. */
export async function answerIdp(page: Page, user: E2eUser): Promise<void> {
  await expect(page.getByLabel("Username")).toBeVisible();
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const allow = page.getByRole("button", { name: "Allow" });
  const dashboard = page.getByRole("navigation", { name: "Dashboard" });
  await expect(allow.or(dashboard)).toBeVisible();
  if (await allow.isVisible()) await allow.click();
}

/** Opens `path` (a dashboard page), is sent to sign in, signs in at the IdP, and lands back on `path`. */
export async function signIn(page: Page, user: E2eUser, path = "/dashboard"): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/dashboard\/sign-in\?callbackUrl=/);
  await page.getByRole("button", { name: "Continue to sign-in" }).click();
  await answerIdp(page, user);
  await expect(page.getByRole("navigation", { name: "Dashboard" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe(new URL(path, page.url()).pathname);
}

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;

/** The browser cookies right after each (spec file, person)'s first sign-in, in this worker process. */
const savedSessions = new Map<string, Cookies>();

/**
 * signIn once per spec file and person. The first call of a file for a person
 * signs in through the real flow (signIn) and keeps the browser's cookies: the
 * dashboard's session (a JWT cookie, valid 8 h; the account is looked up on
 * every request) and the IdP's session (for a later grant or provisioning).
 * Later calls put those cookies into this page's browser context (its own
 * options — viewport, JavaScript — stay) and open `path`, signed in as the same
 * person: one page load instead of the sign-in page, the IdP's pages (a scrypt
 * password check) and the callback. Only for tests whose subject is not
 * signing in or out and that neither sign out nor change the person's account
 * before a later test reuses it; the flow itself stays covered by the first
 * call of every file (and by dashboard-sign-in.spec.ts). A worker started
 * afresh (after a failure) signs in again.
 */
export async function signInOnce(page: Page, user: E2eUser, path = "/dashboard"): Promise<void> {
  const key = `${test.info().file}\n${user.username}`;
  const saved = savedSessions.get(key);
  if (!saved) {
    await signIn(page, user, path);
    savedSessions.set(key, await page.context().cookies());
    return;
  }
  await page.context().addCookies(saved);
  await page.goto(path);
  await expect(page.getByRole("navigation", { name: "Dashboard" }), `the session of ${user.username}'s first sign-in in this file opens ${path}`).toBeVisible();
  expect(new URL(page.url()).pathname).toBe(new URL(path, page.url()).pathname);
  await expect(page.getByTestId("signed-in-as")).toContainText(user.displayName);
}

/** Signs out of the dashboard and confirms the IdP's logout page; ends on the start page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/api\/oidc\/session\/end/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/**
 * axe on the page as it is: no serious or critical violation. Legacy mode (axe.run in the page) runs the
 * same rules as the default (axe.runPartial in every frame, then axe.finishRun in a blank page of its own:
 * a new page, axe injected a second time) and differs only for cross-origin frames, which it leaves out;
 * the dashboard has none, and the first expectation says so. ~0.5 s less per scan.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const origin = new URL(page.url()).origin;
  expect(page.frames().map((f) => f.url()).filter((u) => u !== "about:blank" && new URL(u).origin !== origin), "cross-origin frames (legacy-mode axe leaves them out)").toEqual([]);
  const results = await new AxeBuilder({ page }).setLegacyMode().analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/** The server action id behind a form on the page (React puts it in the form as `$ACTION_ID_<id>` for browsers without JavaScript). */
export async function formActionId(form: ReturnType<Page["locator"]>): Promise<string> {
  const name = await form.locator('input[name^="$ACTION_ID_"]').first().getAttribute("name");
  expect(name).toBeTruthy();
  return name!.slice("$ACTION_ID_".length);
}

/**
 * Calls a server action the way Next's client does (a "fetch action": header
 * Next-Action, the form's fields encoded as React's reply format — root "0"
 * referencing FormData part 1, fields prefixed "1_"). Returns the HTTP status.
 */
export async function callServerAction(request: APIRequestContext, url: string, actionId: string, fields: Record<string, string>, origin?: string): Promise<number> {
  const multipart: Record<string, string> = { "0": '["$K1"]' };
  for (const [k, v] of Object.entries(fields)) multipart[`1_${k}`] = v;
  const response = await request.post(url, {
    headers: { "next-action": actionId, accept: "text/x-component", ...(origin ? { origin } : {}) },
    multipart,
    maxRedirects: 0,
  });
  return response.status();
}

/** The same action posted as a plain HTML form (a browser without JavaScript). */
export async function postActionForm(request: APIRequestContext, url: string, actionId: string, fields: Record<string, string>, origin?: string): Promise<number> {
  const response = await request.post(url, { headers: origin ? { origin } : {}, multipart: { [`$ACTION_ID_${actionId}`]: "", ...fields }, maxRedirects: 0 });
  return response.status();
}
