/**
 * What a person sees of the search index in the browser: the provisioning
 * page says that the grant also lets the server keep a search index (and how
 * to turn it off); the dashboard shows the index's jobs and switches it off
 * (nc_search then says so) and on again. The e2e server runs no Nextcloud
 * sandbox, so the sync itself (and "results within a minute of provisioning",
 * through the in-process scheduler) is covered by
 * tests/integration/search-index.test.ts.
 */
import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";
import { authorizeMcpClient, callTool } from "./dashboard-mcp-client";

const { bob } = usersOf(import.meta.url);

/** Bob has no Nextcloud grant before this file (dashboard-nextcloud.spec.ts, which runs earlier, only looks). */
const person = bob;

test("granting notes and files: the page tells about the search index; the dashboard shows its jobs and switches it off and on", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, person, { name: "Search Client", scopes: ["notes.read", "files.read"] });
  await signIn(page, person, "/dashboard/nextcloud");
  await page.getByRole("checkbox", { name: /Read your notes/ }).check();
  await page.getByRole("checkbox", { name: /Read your files/ }).check();
  await page.getByRole("button", { name: "Continue to grant" }).click();
  await expect(page.getByTestId("search-index-notice")).toContainText("search index");
  await expect(page.getByTestId("search-index-notice")).toContainText("turn the index off");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.getByTestId("provisioning-outcome")).toHaveAttribute("data-kind", "provisioned");

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
  await expect(page.getByTestId("search-index-state")).toContainText("is on");
  const on = await callTool(baseURL!, client.accessToken, "nc_search", { query: "trip" });
  expect(on.text).not.toContain("switched off");
});
