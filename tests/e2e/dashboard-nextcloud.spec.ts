/**
 * Nextcloud access: add scopes (through the provisioning page and the IdP's
 * consent), see them explained, revoke — and the next tool call asks for
 * provisioning again.
 */
import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn, signInOnce, signOut } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";
import { authorizeMcpClient, callTool } from "./dashboard-mcp-client";

const { alice, bob } = usersOf(import.meta.url);

test("no access yet: an empty state and the scopes that can be added", async ({ page }) => {
  await signInOnce(page, bob, "/dashboard/nextcloud");
  await expect(page.getByText("No Nextcloud access yet")).toBeVisible();
  await expect(page.getByRole("group", { name: "Add scopes" })).toContainText("Read your files");
  await expectAccessible(page);
  await screenshot(page, "nextcloud-empty");
});

test("asking for nothing is refused with a message", async ({ page }) => {
  await signInOnce(page, bob, "/dashboard/nextcloud");
  await page.getByRole("button", { name: "Continue to grant" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Pick at least one scope");
});

test("add a scope, see it explained, revoke it; the next tool call asks for provisioning", async ({ page, baseURL }) => {
  // A ceiling, not an expectation: four sign-ins, a provisioning visit and two tool calls against an unreachable Nextcloud.
  test.setTimeout(90_000);
  const client = await authorizeMcpClient(baseURL!, alice, { name: "Nextcloud Tool Client", scopes: ["account.read"] });
  await signIn(page, alice, "/dashboard/nextcloud");

  await page.getByRole("checkbox", { name: /See your Nextcloud account/ }).check();
  await page.getByRole("button", { name: "Continue to grant" }).click();
  // The provisioning page (Flow 2) is the consent: the IdP asks nothing more of its own client.
  await expect(page.getByRole("heading", { name: "Give this server access to your Nextcloud?" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("See your Nextcloud account");
  // A real click: the browser posts the form with this page's Origin (the CSRF check accepts it).
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.getByTestId("provisioning-outcome")).toHaveAttribute("data-kind", "provisioned");

  // Signing out of the dashboard (and the IdP session) keeps the Nextcloud access, also from an
  // IdP session that only signed in to the dashboard: this server's grant (shared by sign-in and
  // provisioning) persists logout (lib/idp/configuration.ts expiresWithSession).
  await page.goto("/dashboard");
  await signOut(page);
  await signIn(page, alice);
  await signOut(page);

  // With a grant, the tool no longer asks for provisioning: the IdP still exchanges (then it goes on to Nextcloud).
  const granted = await callTool(baseURL!, client.accessToken, "nc_get_user_info");
  expect(granted.text).not.toContain("/oauth/authorize-nextcloud");

  await signIn(page, alice, "/dashboard/nextcloud");
  await expect(page.getByTestId("granted-scopes")).toContainText("See your Nextcloud account");
  await expect(page.getByTestId("nextcloud-grant")).toContainText("progressive consent");
  await expectAccessible(page);
  await screenshot(page, "nextcloud-granted");

  // Revoke asks first (a plain GET page, no JavaScript needed).
  await page.getByRole("link", { name: "Revoke Nextcloud access" }).click();
  await expect(page.getByTestId("revoke-confirmation")).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Yes, revoke Nextcloud access" }).click();
  await expect(page.getByRole("status")).toContainText("Nextcloud access was revoked");
  await expect(page.getByText("No Nextcloud access yet")).toBeVisible();

  const after = await callTool(baseURL!, client.accessToken, "nc_get_user_info");
  expect(after.status).toBe(200);
  expect(after.isError).toBe(true);
  expect(after.text).toContain("/oauth/authorize-nextcloud");

  // The activity log tells the story, without token values.
  await page.goto("/dashboard/activity");
  await expect(page.locator('tr[data-event="revoked"]').first()).toBeVisible();
  await expect(page.locator('tr[data-event="provisioned"]').first()).toBeVisible();
  expect(await page.locator("table").innerText()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
});

test("removing a Nextcloud scope: the stored and IdP grants lose it, the next tool call needing it asks again, the others keep working", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, bob, { name: "Narrowing Tool Client", scopes: ["account.read", "notes.read"] });
  await signInOnce(page, bob, "/dashboard/nextcloud");
  // Grant two scopes through the provisioning page.
  await page.getByRole("checkbox", { name: /See your Nextcloud account/ }).check();
  await page.getByRole("checkbox", { name: /Read your notes/ }).check();
  await page.getByRole("button", { name: "Continue to grant" }).click();
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  const allow = page.getByRole("button", { name: "Allow" });
  const outcome = page.getByTestId("provisioning-outcome");
  await expect(allow.or(outcome)).toBeVisible();
  if (await allow.isVisible()) await allow.click();
  await expect(outcome).toHaveAttribute("data-kind", "provisioned");
  expect((await callTool(baseURL!, client.accessToken, "nc_notes_search", { query: "x" })).text).not.toContain("/oauth/authorize-nextcloud");

  await page.goto("/dashboard/nextcloud");
  await page.getByText("Remove scopes").click();
  await page.getByRole("checkbox", { name: /Read your notes/ }).uncheck();
  await page.getByRole("button", { name: "Save Nextcloud scopes" }).click();
  await expect(page.getByRole("status")).toContainText("narrowed");
  await expect(page.getByTestId("granted-scopes")).not.toContainText("Read your notes");
  await expect(page.getByTestId("granted-scopes")).toContainText("See your Nextcloud account");
  // Adding it back goes through the provisioning page again.
  await expect(page.getByRole("group", { name: "Add scopes" })).toContainText("Read your notes");
  await expectAccessible(page);

  const notes = await callTool(baseURL!, client.accessToken, "nc_notes_search", { query: "x" });
  expect(notes.isError).toBe(true);
  expect(notes.text).toContain("/oauth/authorize-nextcloud");
  expect((await callTool(baseURL!, client.accessToken, "nc_get_user_info")).text).not.toContain("/oauth/authorize-nextcloud");

  await page.goto("/dashboard/nextcloud?confirm=revoke");
  await page.getByRole("button", { name: "Yes, revoke Nextcloud access" }).click();
  await expect(page.getByRole("status")).toContainText("Nextcloud access was revoked");
});
