/**
 * NEXTCLOUD_AUTH=app-password in Chromium: a person at a real browser (Debian
 * Chromium through playwright-core, tests/helpers/browser-person.ts) beside
 * the MCP SDK client, against one app + Nextcloud sandbox. What HTTP tests
 * cannot show is covered here: the progress page reloads itself (meta
 * refresh) and advances to the result without anyone pressing anything, the
 * Nextcloud login link opens the sandbox's Login Flow v2 page in a new tab,
 * the person's answers there (grant, deny, another account) and the buttons
 * on this server's pages — with JavaScript and without it. The timeout runs
 * last, on the same app restarted with TEST_LOGIN_FLOW_TTL_SECONDS (a limit of
 * seconds instead of ten minutes; refused outside NODE_ENV=test).
 *
 * The HTTP-level rules (cross-site posts, revocation, every tool over Basic
 * auth) are in app-password-mode.test.ts.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserPerson, launchChromium, provisioningLinkIn, resultText } from "../helpers/browser-person";
import { testDbKind } from "../helpers/databases";
import { idpEnv, startAppOnPort } from "../helpers/idp-app";
import { ALICE, BOB, startProvisioningStack, type ProvisioningStack } from "../helpers/provisioning-stack";

const MODE = { NEXTCLOUD_AUTH: "app-password" } as const;
// Long enough to reach the progress page on a loaded machine; the page reloads at the end of it.
const TIMEOUT_TTL_SECONDS = 5;

describe(`app-password provisioning in Chromium on ${testDbKind()}`, () => {
  let stack: ProvisioningStack;
  let browser: Browser;
  let alice: BrowserPerson;
  let bob: BrowserPerson;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startProvisioningStack(MODE), launchChromium()]);
    const mcpUrl = `${stack.app.url}/api/mcp`;
    alice = await BrowserPerson.open(browser, mcpUrl, ALICE);
    bob = await BrowserPerson.open(browser, mcpUrl, BOB);
    await alice.connect();
    await bob.connect();
    await alice.listTools();
    await bob.listTools();
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    await stack?.stop();
  });

  const appPasswordsOf = (user: string) => stack.sandbox.loginFlows.list().filter((p) => p.userId === user);

  /** A Nextcloud tool refuses (not connected yet); the person opens its link and continues to the Login Flow v2 page. */
  async function reachNextcloudLogin(person: BrowserPerson): Promise<void> {
    const refusal = await person.callListed("nc_get_user_info");
    expect(refusal.isError, resultText(refusal)).toBe(true);
    const link = provisioningLinkIn(resultText(refusal));
    expect(link, resultText(refusal)).toBeTruthy();
    expect(await person.provisionUntilNextcloudLogin(link!)).toEqual({ state: "pending" });
  }

  /** The person clicks "Open Nextcloud's sign-in page": a new tab with the sandbox's Login Flow v2 page. */
  async function openNextcloudTab(person: BrowserPerson): Promise<Page> {
    const opened = person.context.waitForEvent("page");
    await person.page.getByTestId("nextcloud-login-link").click();
    const tab = await opened;
    await tab.waitForLoadState();
    expect(tab.url().startsWith(`${stack.sandbox.url}/index.php/login/v2/flow/`), tab.url()).toBe(true);
    await tab.getByRole("heading", { name: /^Connect .+ to your account$/ }).waitFor();
    return tab;
  }

  /** In that tab: sign in as `nextcloudUser` and grant, or deny; then close the tab and come back. */
  async function answerInNextcloud(person: BrowserPerson, tab: Page, answer: { grantAs: string } | "deny"): Promise<void> {
    if (answer === "deny") {
      await tab.getByRole("button", { name: "Deny access" }).click();
      await tab.getByRole("heading", { name: "Access denied" }).waitFor();
    } else {
      await tab.getByLabel("User name").fill(answer.grantAs);
      await tab.getByLabel("Password").fill(answer.grantAs);
      await tab.getByRole("button", { name: "Grant access" }).click();
      await tab.getByRole("heading", { name: "Account connected" }).waitFor();
    }
    await tab.close();
    await person.page.bringToFront();
  }

  /** Nobody presses anything: the page's own refresh must bring `testId` up. */
  async function waitForPageToAdvance(person: BrowserPerson, testId: "provisioning-outcome" | "connect-state", timeout = 30_000): Promise<void> {
    await person.page.locator(`[data-testid="${testId}"]${testId === "connect-state" ? ':not([data-state="pending"])' : ""}`).waitFor({ timeout });
  }

  const outcomeOn = (page: Page) => page.getByTestId("provisioning-outcome").getAttribute("data-kind");
  const accountOn = (page: Page) => page.getByTestId("nextcloud-account").getAttribute("data-account");

  it("progress page: reloads itself, its link opens Nextcloud's Login Flow v2 page in a new tab; granting there advances it by itself to the connected account", async () => {
    await reachNextcloudLogin(alice);
    const page = alice.page;
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute("content")).toBe("3");
    expect(await page.getByTestId("connect-progress").innerText()).toMatch(/Waiting for Nextcloud… \d+:\d\d left\./);
    const link = page.getByTestId("nextcloud-login-link");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toContain("noopener");
    // Before the person answers, the page reloads and stays in progress.
    await page.waitForEvent("load");
    expect(await page.getByTestId("connect-state").getAttribute("data-state")).toBe("pending");

    await answerInNextcloud(alice, await openNextcloudTab(alice), { grantAs: ALICE.username });
    await waitForPageToAdvance(alice, "provisioning-outcome");
    expect(await outcomeOn(page)).toBe("provisioned");
    expect(await accountOn(page)).toBe(ALICE.username);
    expect(appPasswordsOf(ALICE.username)).toHaveLength(1);
    const works = await alice.callListed("nc_get_user_info");
    expect(works.isError, resultText(works)).toBeFalsy();
    expect(works.structuredContent).toMatchObject({ id: ALICE.username });
  });

  it("denial: the person denies in Nextcloud, the page keeps waiting; Cancel ends it with a clear message and nothing kept", async () => {
    expect((await alice.callListed("revoke_nextcloud_access")).isError).toBeFalsy();
    await reachNextcloudLogin(alice);
    await answerInNextcloud(alice, await openNextcloudTab(alice), "deny");
    await alice.page.waitForEvent("load");
    expect(await alice.page.getByTestId("connect-state").getAttribute("data-state")).toBe("pending");
    await alice.page.getByTestId("cancel-connect").click();
    await alice.page.getByTestId("provisioning-outcome").waitFor();
    expect(await outcomeOn(alice.page)).toBe("nextcloud_cancelled");
    const text = await alice.page.locator("main").innerText();
    expect(text).toContain("Nextcloud was not connected");
    expect(text).toContain("No app password is kept by this server.");
    expect(appPasswordsOf(ALICE.username)).toEqual([]);
    expect(resultText(await alice.callListed("nc_get_user_info"))).toMatch(/not connected yet/);
  });

  it("wrong account: signing in to Nextcloud as someone else leads to a confirm page; Cancel deletes that app password, Yes links it", async () => {
    await reachNextcloudLogin(bob);
    await answerInNextcloud(bob, await openNextcloudTab(bob), { grantAs: "mallory" });
    await waitForPageToAdvance(bob, "connect-state");
    expect(await bob.page.getByTestId("connect-state").getAttribute("data-state")).toBe("confirm");
    expect(await accountOn(bob.page)).toBe("mallory");
    expect(await bob.page.getByTestId("nextcloud-account").innerText()).toContain(`your account here is ${BOB.username}`);
    expect(appPasswordsOf("mallory")).toHaveLength(1);
    await bob.page.getByTestId("cancel-connect").click();
    await bob.page.getByTestId("provisioning-outcome").waitFor();
    expect(await outcomeOn(bob.page)).toBe("nextcloud_cancelled");
    expect(appPasswordsOf("mallory")).toEqual([]);

    await reachNextcloudLogin(bob);
    await answerInNextcloud(bob, await openNextcloudTab(bob), { grantAs: "mallory" });
    await waitForPageToAdvance(bob, "connect-state");
    await bob.page.getByRole("button", { name: "Yes, connect mallory" }).click();
    await bob.page.getByTestId("provisioning-outcome").waitFor();
    expect(await outcomeOn(bob.page)).toBe("provisioned");
    expect(await accountOn(bob.page)).toBe("mallory");
    expect((await bob.callListed("nc_get_user_info")).structuredContent).toMatchObject({ id: "mallory" });
  });

  it("without JavaScript: sign-in, progress and success work all the same", async () => {
    const offline = await BrowserPerson.open(browser, `${stack.app.url}/api/mcp`, ALICE, { javaScriptEnabled: false });
    try {
      await offline.connect();
      await offline.listTools();
      await reachNextcloudLogin(offline);
      await answerInNextcloud(offline, await openNextcloudTab(offline), { grantAs: ALICE.username });
      await waitForPageToAdvance(offline, "provisioning-outcome");
      expect(await outcomeOn(offline.page)).toBe("provisioned");
      expect(await accountOn(offline.page)).toBe(ALICE.username);
      expect((await offline.callListed("nc_get_user_info")).structuredContent).toMatchObject({ id: ALICE.username });
    } finally {
      await offline.close();
    }
  });

  it("timeout: nobody answers in Nextcloud, and the page ends by itself saying so (limit shortened by TEST_LOGIN_FLOW_TTL_SECONDS)", async () => {
    await stack.app.stop();
    stack.app = await startAppOnPort(idpEnv(stack.database, { SANDBOX_PORT: new URL(stack.sandbox.url).port, ...MODE, NODE_ENV: "test", TEST_LOGIN_FLOW_TTL_SECONDS: String(TIMEOUT_TTL_SECONDS) }), stack.app.port);
    expect((await alice.callListed("revoke_nextcloud_access")).isError).toBeFalsy();
    await reachNextcloudLogin(alice);
    // One look at the page (it may reload at any moment): the time left, and when it reloads next. The
    // last reload is due when the time is up, not a full reload period after it.
    const [progress, refresh] = await alice.page.evaluate(() => [
      document.querySelector('[data-testid="connect-progress"]')?.textContent ?? "",
      document.querySelector('meta[http-equiv="refresh"]')?.getAttribute("content"),
    ]);
    expect(progress).toMatch(/0:0\d left/);
    const left = Number(/0:0(\d) left/.exec(progress!)![1]);
    expect(refresh).toBe(String(Math.min(3, left)));
    await waitForPageToAdvance(alice, "provisioning-outcome", (TIMEOUT_TTL_SECONDS + 30) * 1000);
    expect(await outcomeOn(alice.page)).toBe("nextcloud_timeout");
    expect(await alice.page.locator("main").innerText()).toContain("Nextcloud did not confirm in time");
    expect(appPasswordsOf(ALICE.username)).toEqual([]);
    // The flow is over: its page has nothing more to continue.
    await alice.page.goto(`${stack.app.url}/oauth/connect-nextcloud`);
    expect(await alice.page.getByTestId("connect-state").getAttribute("data-state")).toBe("none");
  });
});
