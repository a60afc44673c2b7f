/** Overview: the MCP endpoint with a copy button, setup snippets for common clients, the state at a glance. */
import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signInOnce } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";

const { bob } = usersOf(import.meta.url);

test("shows the endpoint, copies it, and has a snippet per client", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await signInOnce(page, bob);
  const url = `${baseURL}/api/mcp`;
  await expect(page.getByTestId("mcp-endpoint")).toHaveText(url);
  await page.getByRole("button", { name: "Copy endpoint URL" }).click();
  await expect(page.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

  await expect(page.getByTestId("snippet-claude-code")).toContainText(`claude mcp add --transport http nextcloud ${url}`);
  for (const id of ["claude-desktop", "vscode", "cursor", "inspector"]) await expect(page.getByTestId(`snippet-${id}`)).toContainText(url);
  // One-click installs beside the snippets (the exact forms are unit-tested in client-install-links.test.ts).
  const vscode = await page.getByTestId("install-vscode").getAttribute("href");
  expect(JSON.parse(decodeURIComponent(vscode!.replace("vscode:mcp/install?", "")))).toEqual({ name: "nextcloud", type: "http", url });
  const cursor = new URL((await page.getByTestId("install-cursor").getAttribute("href"))!);
  expect(JSON.parse(Buffer.from(cursor.searchParams.get("config")!, "base64").toString())).toEqual({ url });
  // This test server is plain http on loopback: the cloud connectors' note says it will not do.
  await expect(page.getByTestId("public-url-note")).toContainText("need a public https URL, and this server's URL is not one");
  await expect(page.getByTestId("public-url-note").getByRole("link")).toHaveAttribute("href", /docs\/deploy\.md#reaching-it-from-every-client$/);
  await expect(page.getByTestId("overview-nextcloud")).toContainText("Not granted yet");
  await expect(page.getByTestId("overview-connections")).toBeVisible();
  // Not an admin: no admin section in the navigation.
  await expect(page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "overview");
});

test("works by keyboard: the sections are links in tab order, the current one is marked", async ({ page }) => {
  await signInOnce(page, bob);
  const nav = page.getByRole("navigation", { name: "Dashboard" });
  await expect(nav.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "Connections" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard\/connections$/);
  await expect(nav.getByRole("link", { name: "Connections" })).toHaveAttribute("aria-current", "page");
});

test("is usable on a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signInOnce(page, bob);
  await expect(page.getByTestId("mcp-endpoint")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page);
  await screenshot(page, "overview-mobile");
});

test("the home page links to the dashboard", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page).toHaveURL(/\/dashboard\/sign-in/);
});
