/**
 * Admin: the client registry (disable, enable, delete), the registry policy
 * and the accounts — for administrators only: others get 403 for the page
 * and for the actions, even when calling an action directly.
 */
import { expect, test } from "@playwright/test";
import { admin, alice, bob, callServerAction, expectAccessible, formActionId, postActionForm, screenshot, signIn } from "./dashboard-helpers";
import { authorizeMcpClient, callTool, refresh } from "./dashboard-mcp-client";

test("lists clients, policy and accounts; disable, enable and delete a client", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, alice, { name: "Administered Client", scopes: ["notes.read"] });
  await signIn(page, admin, "/dashboard/admin");
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
  await signIn(page, alice);
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
  await signIn(adminPage, admin, "/dashboard/admin");
  const id = await formActionId(adminPage.locator(`[data-client-id="${client.clientId}"] form`));

  const alicePage = await (await browser.newContext()).newPage();
  await signIn(alicePage, alice);
  const fields = { clientId: client.clientId, change: "disable" };
  // As Next's client calls it: 403 (forbidden()).
  expect(await callServerAction(alicePage.request, `${baseURL}/dashboard/admin`, id, fields, baseURL)).toBe(403);
  // As a plain form post: refused too (Next renders access errors of no-JS actions with its not-found page).
  expect(await postActionForm(alicePage.request, `${baseURL}/dashboard/admin`, id, fields, baseURL)).toBe(404);
  await adminPage.reload();
  await expect(adminPage.locator(`[data-client-id="${client.clientId}"]`)).not.toContainText("disabled");
  expect((await callTool(baseURL!, client.accessToken, "whoami")).status).toBe(200);
});
