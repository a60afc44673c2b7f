/**
 * Connections: the MCP clients a person authorized (one card per application,
 * however often it registered), narrowing what one may do — effective on its
 * very next request — and revoking one after a confirmation step: the IdP
 * grant and its tokens go, and the client's next MCP request gets 401.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, screenshot, signInOnce } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";
import { authorizeMcpClient, callTool, listTools, refresh, refreshScopes } from "./dashboard-mcp-client";

const { alice, bob } = usersOf(import.meta.url);

/** Revoke → the confirmation (a plain GET, no JavaScript needed) → Yes. */
async function revokeWithConfirmation(page: Page, name: string): Promise<void> {
  await page.getByRole("link", { name: `Revoke ${name}` }).first().click();
  await expect(page.getByTestId("revoke-confirmation")).toContainText(`Revoke ${name}?`);
  await page.getByRole("button", { name: `Yes, revoke ${name}` }).click();
}

test("an empty list says so", async ({ page }) => {
  await signInOnce(page, bob, "/dashboard/connections");
  // This spec's Bob is its own (e2e-users.ts), but a re-run against a kept server may find clients: revoke them all first.
  const revoke = page.getByRole("link", { name: /^Revoke / });
  while ((await revoke.count()) > 0) {
    const before = await revoke.count();
    await revoke.first().click();
    await page.getByRole("button", { name: /^Yes, revoke / }).click();
    await expect(page.getByRole("status")).toContainText("revoked");
    await expect(revoke).toHaveCount(before - 1);
  }
  await expect(page.getByText("No connected clients")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "connections-empty");
});

test("lists the authorized client; revoke cuts it off (next MCP call 401, refresh refused)", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, alice, { name: "Revocable Client", scopes: ["notes.read", "account.read"] });
  const before = await callTool(baseURL!, client.accessToken, "whoami");
  expect(before.status).toBe(200);

  await signInOnce(page, alice, "/dashboard/connections");
  const item = page.locator(`[data-client-id="${client.clientId}"]`);
  await expect(item.getByRole("heading", { name: "Revocable Client" })).toBeVisible();
  await expect(item).toContainText("Dynamically registered");
  await expect(item).toContainText("Read your notes");
  await expect(item).toContainText("See your Nextcloud account");
  await expect(item).toContainText("First authorized");
  // Not this server's own client (that is "Nextcloud access").
  await expect(page.locator('[data-client-id="mcp-server"]')).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "connections");

  // Revoke asks first; Cancel changes nothing.
  await item.getByRole("link", { name: "Revoke Revocable Client" }).click();
  await expect(page.getByTestId("revoke-confirmation")).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page.getByTestId("revoke-confirmation")).toHaveCount(0);
  expect((await callTool(baseURL!, client.accessToken, "whoami")).status).toBe(200);

  await revokeWithConfirmation(page, "Revocable Client");
  await expect(page.getByRole("status")).toContainText("revoked");
  await expect(page.locator(`[data-client-id="${client.clientId}"]`)).toHaveCount(0);

  // The refresh token died with the grant…
  expect(await refresh(baseURL!, client)).toBe(400);
  // …and the still-unexpired JWT access token is refused because its grant is gone.
  const after = await callTool(baseURL!, client.accessToken, "whoami");
  expect(after.status).toBe(401);
});

test("a person sees only their own connections", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, alice, { name: "Alice Only Client", scopes: ["notes.read"] });
  await signInOnce(page, bob, "/dashboard/connections");
  await expect(page.locator(`[data-client-id="${client.clientId}"]`)).toHaveCount(0);
});

test("revoking or narrowing another person's client through a tampered form changes nothing", async ({ page, browser, baseURL }) => {
  const alices = await authorizeMcpClient(baseURL!, alice, { name: "Alice Target Client", scopes: ["notes.read", "notes.write"] });
  const bobs = await authorizeMcpClient(baseURL!, bob, { name: "Bob Client", scopes: ["notes.read", "notes.write"] });
  // Alice's card key, as her own page shows it.
  const alicePage = await (await browser.newContext()).newPage();
  await signInOnce(alicePage, alice, "/dashboard/connections");
  const alicesKey = await alicePage.locator(`[data-client-ids~="${alices.clientId}"]`).getAttribute("data-group");
  expect(alicesKey).toBeTruthy();

  await signInOnce(page, bob, "/dashboard/connections");
  const bobsItem = page.locator(`[data-client-ids~="${bobs.clientId}"]`);
  await bobsItem.getByText("Change what it may do").click();
  const narrow = bobsItem.locator("details form");
  await narrow.locator('input[name="group"]').evaluate((input, key) => ((input as HTMLInputElement).value = key), alicesKey!);
  await narrow.getByRole("checkbox", { name: /Change your notes/ }).uncheck();
  await narrow.getByRole("button", { name: "Save what Bob Client may do" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("no access to change");

  await page.locator(`[data-client-ids~="${bobs.clientId}"]`).getByRole("link", { name: "Revoke Bob Client" }).click();
  const confirm = page.getByTestId("revoke-confirmation").locator("form");
  await confirm.locator('input[name="group"]').evaluate((input, key) => ((input as HTMLInputElement).value = key), alicesKey!);
  await confirm.getByRole("button", { name: "Yes, revoke Bob Client" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("no access to change");

  expect((await callTool(baseURL!, alices.accessToken, "whoami")).status).toBe(200);
  expect(await listTools(baseURL!, alices.accessToken)).toContain("nc_notes_create");
  expect(await refresh(baseURL!, alices)).toBe(200);
});

test("narrowing a client hides and blocks the removed tools on its very next request; refresh yields only the rest", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, alice, { name: "Narrowed Client", scopes: ["notes.read", "notes.write", "account.read"] });
  expect(await listTools(baseURL!, client.accessToken)).toEqual(expect.arrayContaining(["nc_notes_create", "nc_notes_search", "nc_get_user_info"]));

  await signInOnce(page, alice, "/dashboard/connections");
  const item = page.locator(`[data-client-ids~="${client.clientId}"]`);
  await item.getByText("Change what it may do").click();
  await expect(item.getByTestId("widening-note")).toContainText("connect the client again");
  await expectAccessible(page);
  await item.getByRole("checkbox", { name: /Change your notes/ }).uncheck();
  await item.getByRole("button", { name: "Save what Narrowed Client may do" }).click();
  await expect(page.getByRole("status")).toContainText("narrowed");
  await expect(page.locator(`[data-client-ids~="${client.clientId}"]`)).not.toContainText("Change your notes");

  // The same, unexpired access token, on the very next request.
  const tools = await listTools(baseURL!, client.accessToken);
  expect(tools).toEqual(expect.arrayContaining(["nc_notes_search", "nc_get_user_info"]));
  expect(tools).not.toContain("nc_notes_create");
  const refused = await callTool(baseURL!, client.accessToken, "nc_notes_create", { content: "x" });
  expect(refused.status).toBe(403);
  const scopes = await refreshScopes(baseURL!, client);
  expect(scopes).toEqual(expect.arrayContaining(["notes.read", "account.read"]));
  expect(scopes).not.toContain("notes.write");

  await page.goto("/dashboard/activity");
  await expect(page.locator('tr[data-event="scopes_removed"]').first()).toBeVisible();
});

test("a client that registered again is still one card, with its registrations counted", async ({ page, baseURL }) => {
  const first = await authorizeMcpClient(baseURL!, alice, { name: "Twice Registered Client", scopes: ["notes.read"] });
  const second = await authorizeMcpClient(baseURL!, alice, { name: "Twice Registered Client", scopes: ["notes.read"] });
  await signInOnce(page, alice, "/dashboard/connections");
  const cards = page.locator(`[data-client-ids~="${first.clientId}"]`);
  await expect(cards).toHaveCount(1);
  await expect(cards).toHaveAttribute("data-client-ids", new RegExp(second.clientId));
  await expect(cards.getByTestId("registrations")).toHaveText("2 registrations");
  await expect(page.getByRole("heading", { name: "Twice Registered Client" })).toHaveCount(1);
  await revokeWithConfirmation(page, "Twice Registered Client");
  await expect(page.getByRole("status")).toContainText("revoked");
  for (const c of [first, second]) expect((await callTool(baseURL!, c.accessToken, "whoami")).status).toBe(401);
});
