/**
 * The "done when": a person grants read access to notes and files
 * and, within a minute, "find my notes about the trip" has answers — the
 * first sync starts right after provisioning (in-process scheduler, the
 * production build's default). The pages say that the grant also lets the
 * server keep a search index, and the dashboard shows its jobs and turns it
 * off (deleting it) and on again.
 */
import { expect, test } from "@playwright/test";
import { bob, expectAccessible, screenshot, signIn } from "./dashboard-helpers";
import { authorizeMcpClient, callTool } from "./dashboard-mcp-client";

/** Bob has no Nextcloud grant before this file (dashboard-nextcloud.spec.ts, which runs earlier, only looks). */
const person = bob;

test("granting notes and files: nc_search answers within a minute; the dashboard shows the jobs and switches the index off and on", async ({ page, baseURL }) => {
  // Two waits for a background sync, each with the ceiling of a minute.
  test.setTimeout(180_000);
  const client = await authorizeMcpClient(baseURL!, person, { name: "Search Client", scopes: ["notes.read", "files.read"] });
  await signIn(page, person, "/dashboard/nextcloud");
  await page.getByRole("checkbox", { name: /Read your notes/ }).check();
  await page.getByRole("checkbox", { name: /Read your files/ }).check();
  await page.getByRole("button", { name: "Continue to grant" }).click();
  await expect(page.getByTestId("search-index-notice")).toContainText("search index");
  await expect(page.getByTestId("search-index-notice")).toContainText("turn the index off");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.getByTestId("provisioning-outcome")).toHaveAttribute("data-kind", "provisioned");
  const provisionedAt = Date.now();

  // The sandbox seeds every account with a "Trip to Lisbon" note and the "Project Atlas" note and files.
  await expect
    .poll(async () => (await callTool(baseURL!, client.accessToken, "nc_search", { query: "trip" })).text, { timeout: 60_000, intervals: [1_000] })
    .toContain("Trip to Lisbon");
  expect(Date.now() - provisionedAt).toBeLessThan(60_000);
  const atlas = await callTool(baseURL!, client.accessToken, "nc_search", { query: "atlas" });
  expect(atlas.isError).toBe(false);
  expect(atlas.text).toContain("[notes]");
  expect(atlas.text).toMatch(/\[files\] \/(.+\/)?Project plan\.md/);

  await page.goto("/dashboard/nextcloud");
  await expect(page.getByRole("heading", { name: "Search index" })).toBeVisible();
  await expect(page.getByTestId("search-index-state")).toContainText("is on");
  await expect(page.getByTestId("search-jobs")).toContainText("Notes");
  await expect(page.getByTestId("search-jobs")).toContainText("Files");
  await expectAccessible(page);
  await screenshot(page, "nextcloud-search-index");

  await page.getByRole("button", { name: "Turn the search index off and delete it" }).click();
  await expect(page.getByRole("status")).toContainText("off and was deleted");
  await expect(page.getByTestId("search-index-state")).toContainText("is off");
  const off = await callTool(baseURL!, client.accessToken, "nc_search", { query: "trip" });
  expect(off.isError).toBe(true);
  expect(off.text).toContain("switched off");

  await page.getByRole("button", { name: "Turn the search index on" }).click();
  await expect(page.getByRole("status")).toContainText("search index is on");
  await expect
    .poll(async () => (await callTool(baseURL!, client.accessToken, "nc_search", { query: "trip" })).text, { timeout: 60_000, intervals: [1_000] })
    .toContain("Trip to Lisbon");
});
