/**
 * Admin: the client registry (disable, enable, delete), the registry policy
 * and the accounts — for administrators only: others get 403 for the page
 * and for the actions, even when calling an action directly.
 */
import { expect, test, type Browser } from "@playwright/test";
import { callServerAction, expectAccessible, formActionId, postActionForm, screenshot, signInOnce } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";
import { authorizeMcpClient, callTool, refresh } from "./dashboard-mcp-client";

const { admin, alice, bob } = usersOf(import.meta.url);

test("lists clients, policy and accounts; disable, enable and delete a client", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, alice, { name: "Administered Client", scopes: ["notes.read"] });
  await signInOnce(page, admin, "/dashboard/admin");
  await expect(page.getByTestId("registry-policy")).toContainText("Open");
  await expect(page.getByTestId("registry-policy")).toContainText("Built-in");
  const own = page.locator('[data-client-id="mcp-server"]');
  await expect(own).toContainText("Required by this server");
  await expect(own.getByRole("button")).toHaveCount(0);
  for (const user of [alice, bob, admin]) await expect(page.getByTestId("accounts")).toContainText(user.username);
  const item = page.locator(`[data-client-id="${client.clientId}"]`);
  await expect(item).toContainText("Dynamically registered");
  await expect(item).toContainText("authorized by 1 account");
  await expectAccessible(page);
  await screenshot(page, "admin");

  await item.getByRole("button", { name: "Disable Administered Client" }).click();
  await expect(page.getByRole("status")).toContainText("disabled");
  await expect(item).toContainText("disabled");
  // Refused on the MCP endpoint within the registry's cache lifetime.
  await expect.poll(async () => (await callTool(baseURL!, client.accessToken, "whoami")).status, { timeout: 10_000 }).toBe(401);

  await item.getByRole("button", { name: "Enable Administered Client" }).click();
  await expect(page.getByRole("status")).toContainText("enabled");
  await expect.poll(async () => (await callTool(baseURL!, client.accessToken, "whoami")).status, { timeout: 10_000 }).toBe(200);

  // Delete asks first (a plain GET page); Cancel changes nothing.
  await item.getByRole("link", { name: "Delete Administered Client" }).click();
  await expect(page.getByTestId("delete-confirmation")).toContainText("Delete Administered Client?");
  await expectAccessible(page);
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page.getByTestId("delete-confirmation")).toHaveCount(0);
  await item.getByRole("link", { name: "Delete Administered Client" }).click();
  await page.getByRole("button", { name: "Yes, delete Administered Client" }).click();
  await expect(page.getByRole("status")).toContainText("deleted");
  await expect(page.locator(`[data-client-id="${client.clientId}"]`)).toHaveCount(0);
  expect(await refresh(baseURL!, client)).not.toBe(200);
  await expect.poll(async () => (await callTool(baseURL!, client.accessToken, "whoami")).status, { timeout: 10_000 }).toBe(401);
});

test("a non-admin gets 403 for the admin page and no admin link", async ({ page }) => {
  await signInOnce(page, alice);
  await expect(page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
  const response = await page.goto("/dashboard/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Administrators only" })).toBeVisible();
  await expect(page.getByTestId("registry")).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "admin-forbidden");
});

test("a non-admin calling the admin action directly is refused and nothing changes", async ({ browser, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, bob, { name: "Direct Call Target", scopes: ["notes.read"] });
  const adminPage = await (await browser.newContext()).newPage();
  await signInOnce(adminPage, admin, "/dashboard/admin");
  const id = await formActionId(adminPage.locator(`[data-client-id="${client.clientId}"] form`));

  const alicePage = await (await browser.newContext()).newPage();
  await signInOnce(alicePage, alice);
  const fields = { clientId: client.clientId, change: "disable" };
  // As Next's client calls it: 403 (forbidden()).
  expect(await callServerAction(alicePage.request, `${baseURL}/dashboard/admin`, id, fields, baseURL)).toBe(403);
  // As a plain form post: refused too (Next renders access errors of no-JS actions with its not-found page).
  expect(await postActionForm(alicePage.request, `${baseURL}/dashboard/admin`, id, fields, baseURL)).toBe(404);
  await adminPage.reload();
  await expect(adminPage.locator(`[data-client-id="${client.clientId}"]`)).not.toContainText("disabled");
  expect((await callTool(baseURL!, client.accessToken, "whoami")).status).toBe(200);
});

/** Signs `username` in at the IdP in a fresh browser context; true when the dashboard opens. */
async function canSignIn(browser: Browser, username: string, password: string): Promise<boolean> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Continue to sign-in" }).click();
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const allow = page.getByRole("button", { name: "Allow" });
    const dashboard = page.getByRole("navigation", { name: "Dashboard" });
    // The IdP's own refusal (Next's route announcer is an empty role=alert too).
    const refused = page.getByRole("alert").filter({ hasText: /incorrect|too many/i });
    await expect(allow.or(dashboard).or(refused).first()).toBeVisible();
    if (await allow.isVisible()) await allow.click();
    if (await refused.isVisible()) return false;
    await expect(dashboard).toBeVisible();
    return true;
  } finally {
    await context.close();
  }
}

test("accounts: add one with a generated password shown once, reset it, disable and enable it; not your own", async ({ page, browser }) => {
  // A ceiling, not an expectation: five sign-ins at the IdP in fresh browser contexts, beside the administrator's page.
  test.setTimeout(90_000);
  const username = `e2e-new-${Date.now().toString(36)}`;
  await signInOnce(page, admin, "/dashboard/admin");
  // The administrator's own row has no Disable button.
  await expect(page.locator(`[data-account="${admin.username}"]`).getByRole("button", { name: /^Disable/ })).toHaveCount(0);

  const add = page.getByTestId("add-account");
  await add.getByLabel("Username").fill(username);
  await add.getByLabel("Name (optional)").fill("New Person");
  await add.getByRole("button", { name: "Add account" }).click();
  await expect(add.getByRole("status")).toContainText(`The account ${username} was added.`);
  const generated = (await add.getByTestId("generated-password").textContent())!.trim();
  expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
  await expectAccessible(page);
  await screenshot(page, "admin-account-added");
  // Shown once: a reload shows the account, never the password.
  await page.reload();
  await expect(page.locator(`[data-account="${username}"]`)).toContainText("New Person");
  expect(await page.content()).not.toContain(generated);
  expect(await canSignIn(browser, username, generated)).toBe(true);

  // Reset: the administrator types the new one; the generated one stops working.
  const row = page.locator(`[data-account="${username}"]`);
  await row.locator("summary", { hasText: "Reset password" }).click();
  await row.getByLabel("Set this one:").check();
  await row.getByLabel(`New password for ${username}`).fill("typed-by-the-admin-1");
  await row.getByRole("button", { name: `Reset the password of ${username}` }).click();
  await expect(row.getByRole("status")).toContainText(`The password of ${username} was changed.`);
  expect(await canSignIn(browser, username, generated)).toBe(false);
  expect(await canSignIn(browser, username, "typed-by-the-admin-1")).toBe(true);

  await row.getByRole("button", { name: `Disable ${username}` }).click();
  await expect(row).toContainText("Disabled");
  expect(await canSignIn(browser, username, "typed-by-the-admin-1")).toBe(false);
  await row.getByRole("button", { name: `Enable ${username}` }).click();
  await expect(row).toContainText("Active");
  expect(await canSignIn(browser, username, "typed-by-the-admin-1")).toBe(true);

  // A bad input is refused in place.
  await add.getByLabel("Username").fill("no spaces here");
  await add.getByRole("button", { name: "Add account" }).click();
  await expect(add.getByRole("alert")).toContainText("Nothing was changed: username must be");
});

test("accounts: a non-admin calling the account action directly gets 403, and so does a cross-origin post", async ({ browser, baseURL }) => {
  const adminPage = await (await browser.newContext()).newPage();
  await signInOnce(adminPage, admin, "/dashboard/admin");
  const bobRow = adminPage.locator(`[data-account="${bob.username}"]`);
  // The action's id, as the admin's browser calls it (a useActionState form has no $ACTION_ID_ field).
  const call = adminPage.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined);
  await bobRow.getByRole("button", { name: `Disable ${bob.username}` }).click();
  const id = (await call).headers()["next-action"]!;
  await expect(bobRow).toContainText("Disabled");
  await bobRow.getByRole("button", { name: `Enable ${bob.username}` }).click();
  await expect(bobRow).toContainText("Active");
  const accountId = await bobRow.locator('input[name="accountId"]').first().getAttribute("value");

  const alicePage = await (await browser.newContext()).newPage();
  await signInOnce(alicePage, alice);
  const fields = { change: "disable", accountId: accountId! };
  expect(await callServerAction(alicePage.request, `${baseURL}/dashboard/admin`, id, fields, baseURL)).toBe(403);
  // From another origin, even the administrator's session is refused (by Next's own Origin check or by ours).
  expect([200, 303]).not.toContain(await callServerAction(adminPage.request, `${baseURL}/dashboard/admin`, id, fields, "http://evil.example"));
  await adminPage.reload();
  await expect(adminPage.locator(`[data-account="${bob.username}"]`)).toContainText("Active");
  expect(await canSignIn(browser, bob.username, bob.password)).toBe(true);
});
