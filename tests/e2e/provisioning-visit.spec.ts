/**
 * A provisioning visit as a person makes it, in Chromium with JavaScript off:
 * the link a notes tool handed out opens one page offering every Nextcloud
 * scope the client holds (the tool's marked needed, the rest ticked); the
 * person unticks one and continues; the IdP signs them in and asks nothing
 * more; the result page names the tool to call again. A second visit in the
 * same browser is one page, then straight back. The screens are counted.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, screenshot } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";
import { authorizeMcpClient, callTool } from "./dashboard-mcp-client";

const { bob } = usersOf(import.meta.url);


const LINK = /https?:\/\/\S+\/oauth\/authorize-nextcloud\?request=[A-Za-z0-9_-]{24}/;

/** Every document the browser showed (redirects commit no document). */
function recordScreens(page: Page): string[] {
  const screens: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) screens.push(new URL(frame.url()).pathname);
  });
  return screens;
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("one provisioning page covers the client's Nextcloud scopes; the IdP asks nothing more", async ({ page, baseURL }) => {
    test.setTimeout(90_000);
    const client = await authorizeMcpClient(baseURL!, bob, { name: "Provisioning Visit Client", scopes: ["notes.read", "notes.write", "files.read", "files.write"] });
    await callTool(baseURL!, client.accessToken, "revoke_nextcloud_access"); // a clean start, whatever other specs did

    const first = await callTool(baseURL!, client.accessToken, "nc_notes_search", { query: "" });
    expect(first.isError).toBe(true);
    expect(first.text).toMatch(/call nc_notes_search again/);
    const link = LINK.exec(first.text)![0];

    const screens = recordScreens(page);
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Give this server access to your Nextcloud?" })).toBeVisible();
    const box = (name: RegExp) => page.getByRole("checkbox", { name });
    await expect(box(/Read your notes/)).toBeChecked();
    await expect(box(/Read your notes/)).toBeDisabled(); // needed by nc_notes_search
    for (const other of [/Change your notes/, /Read your files/, /Change your files/]) {
      await expect(box(other)).toBeChecked();
      await expect(box(other)).toBeEnabled();
    }
    await box(/Change your files/).uncheck();
    await screenshot(page, "provisioning-page");

    await page.getByRole("button", { name: "Continue", exact: true }).click();
    // A new browser: the IdP signs Bob in, then comes straight back (no consent screen for this server's own client).
    await page.getByLabel("Username").fill(bob.username);
    await page.getByLabel("Password").fill(bob.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("provisioning-outcome")).toHaveAttribute("data-kind", "provisioned");
    await expect(page.getByTestId("call-again")).toHaveAttribute("data-tool", "nc_notes_search");
    await expect(page.getByTestId("granted-scopes")).not.toContainText("files.write");
    await screenshot(page, "provisioning-result");
    expect(screens.map((p) => p.replace(/\/interaction\/[^/]+/, "/interaction/:uid"))).toEqual(["/oauth/authorize-nextcloud", "/interaction/:uid", "/oauth/provisioning-result"]);

    // Every ticked scope's tools pass the guard now; the unticked one asks again.
    for (const [tool, args] of [["nc_notes_search", { query: "" }], ["nc_notes_create", { title: "e2e" }], ["nc_webdav_list_directory", { path: "/" }]] as const) {
      expect((await callTool(baseURL!, client.accessToken, tool, args)).text).not.toMatch(LINK);
    }
    const write = await callTool(baseURL!, client.accessToken, "nc_webdav_write_file", { path: "/e2e.txt", content: "x" });
    const second = LINK.exec(write.text)?.[0];
    expect(second).toBeTruthy();

    // The second visit, in the same (signed-in) browser: one page, then straight back.
    screens.length = 0;
    await page.goto(second!);
    await expect(box(/Change your files/)).toBeDisabled(); // needed now
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    await expect(page.getByTestId("provisioning-outcome")).toHaveAttribute("data-kind", "provisioned");
    expect(screens).toEqual(["/oauth/authorize-nextcloud", "/oauth/provisioning-result"]);
    expect((await callTool(baseURL!, client.accessToken, "nc_webdav_write_file", { path: "/e2e.txt", content: "x" })).text).not.toMatch(LINK);

    await callTool(baseURL!, client.accessToken, "revoke_nextcloud_access");
  });
});

test("the provisioning page is accessible", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, bob, { name: "Provisioning Page Client", scopes: ["notes.read", "files.read"] });
  await callTool(baseURL!, client.accessToken, "revoke_nextcloud_access");
  const link = LINK.exec((await callTool(baseURL!, client.accessToken, "nc_notes_search", { query: "" })).text)![0];
  await page.goto(link);
  await expect(page.getByRole("checkbox", { name: /Read your files/ })).toBeChecked();
  await expectAccessible(page);
});
