/**
 * The dashboard on a phone (390 × 844, an iPhone 12–15 in CSS pixels): every
 * page fits the screen without the page scrolling sideways (wide tables scroll
 * inside their own labelled region), and stays accessible.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";
import { authorizeMcpClient } from "./dashboard-mcp-client";

const { admin } = usersOf(import.meta.url);

test.use({ viewport: { width: 390, height: 844 } });

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: window.innerWidth }));
  expect(widths.viewport).toBe(390);
  expect(widths.page, "the page scrolls sideways").toBeLessThanOrEqual(widths.viewport);
  expect(widths.body, "the page scrolls sideways").toBeLessThanOrEqual(widths.viewport);
}

test("every dashboard page fits 390 px without sideways scrolling", async ({ page, baseURL }) => {
  // Long names and ids are the usual culprits: a client with both.
  await authorizeMcpClient(baseURL!, admin, { name: "A client with a rather long name that keeps going on and on", scopes: ["notes.read", "notes.write", "files.read"] });
  await signIn(page, admin, "/dashboard");
  for (const path of ["/dashboard", "/dashboard/connections", "/dashboard/nextcloud", "/dashboard/activity", "/dashboard/admin"]) {
    await page.goto(path);
    await expect(page.getByRole("navigation", { name: "Dashboard" })).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await expectAccessible(page);
    await screenshot(page, `mobile${path.replaceAll("/", "-")}`);
    if (path !== "/dashboard/connections") continue;
    // The confirmation and narrowing forms too (from the page just checked: no second load of it).
    await page.getByRole("link", { name: /^Revoke / }).first().click();
    await expect(page.getByTestId("revoke-confirmation")).toBeVisible();
    await page.getByText("Change what it may do").first().click();
    await expectNoHorizontalOverflow(page);
    await expectAccessible(page);
  }
});
