/** Activity: the person's audit log, newest first, paginated, filtered by client, tool and outcome. */
import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";
import { authorizeMcpClient, callTool } from "./dashboard-mcp-client";

const { admin, alice } = usersOf(import.meta.url);

test("lists tool refusals newest first, pages through them and filters", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, admin, { name: "Activity Client", scopes: ["account.read", "notes.read"] });
  // Without Nextcloud access every Nextcloud tool call is refused by the guard (and audited).
  // Side by side: the 21 calls are alike, so their order in the log does not matter.
  const calls = await Promise.all(Array.from({ length: 21 }, () => callTool(baseURL!, client.accessToken, "nc_get_user_info")));
  expect(calls.map((c) => c.status)).toEqual(Array(21).fill(200));

  await signIn(page, admin, "/dashboard/activity");
  const rows = page.locator("table[data-testid=activity] tbody tr");
  await expect(rows).toHaveCount(20);
  await expect(rows.first()).toHaveAttribute("data-event", "guard_refused");
  await expect(rows.first()).toContainText("Activity Client");
  await expect(rows.first()).toContainText("nc_get_user_info");
  await expect(page.getByText("Page 1 of 2")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "activity");

  await page.getByRole("link", { name: "Older" }).click();
  await expect(page.getByText("Page 2 of 2")).toBeVisible();
  await expect(rows).toHaveCount(1);

  await page.getByLabel("Outcome").selectOption("success");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/outcome=success/);
  await expect(page.getByText("Nothing matches these filters")).toBeVisible();

  await page.getByLabel("Outcome").selectOption("denied");
  await page.getByLabel("Tool").selectOption("nc_get_user_info");
  await page.getByLabel("Client").selectOption({ label: "Activity Client" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("Page 1 of 2")).toBeVisible();
  await expect(rows.first()).toHaveAttribute("data-outcome", "denied");
});

test("a person sees only their own activity, and bad filters are ignored safely", async ({ page }) => {
  await signIn(page, alice, "/dashboard/activity");
  const response = await page.goto("/dashboard/activity?page=-3&outcome=%3Cscript%3E&client=&tool=" + "x".repeat(300));
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  await expect(page.locator("tr", { hasText: "Activity Client" })).toHaveCount(0);
});
