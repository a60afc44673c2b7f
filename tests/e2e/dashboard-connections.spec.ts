/**
 * Connections: the MCP clients a person authorized, and revoking one — the
 * IdP grant and its tokens go, and the client's next MCP request gets 401.
 */
import { expect, test } from "@playwright/test";
import { alice, bob, expectAccessible, screenshot, signIn } from "./dashboard-helpers";
import { authorizeMcpClient, callTool, refresh } from "./dashboard-mcp-client";

test("an empty list says so", async ({ page }) => {
  await signIn(page, bob, "/dashboard/connections");
  // Other specs may have connected clients for Bob: revoke them all first.
  const revoke = page.getByRole("button", { name: /^Revoke / });
  while ((await revoke.count()) > 0) {
    const before = await revoke.count();
    await revoke.first().click();
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

  await signIn(page, alice, "/dashboard/connections");
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

  await item.getByRole("button", { name: "Revoke Revocable Client" }).click();
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
  await signIn(page, bob, "/dashboard/connections");
  await expect(page.locator(`[data-client-id="${client.clientId}"]`)).toHaveCount(0);
});

test("revoking another person's client through a tampered form changes nothing", async ({ page, baseURL }) => {
  const alices = await authorizeMcpClient(baseURL!, alice, { name: "Alice Target Client", scopes: ["notes.read"] });
  const bobs = await authorizeMcpClient(baseURL!, bob, { name: "Bob Client", scopes: ["notes.read"] });
  await signIn(page, bob, "/dashboard/connections");
  const form = page.locator(`[data-client-id="${bobs.clientId}"] form`);
  await form.locator('input[name="clientId"]').evaluate((input, id) => ((input as HTMLInputElement).value = id), alices.clientId);
  await form.getByRole("button", { name: "Revoke Bob Client" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("no access to revoke");
  expect((await callTool(baseURL!, alices.accessToken, "whoami")).status).toBe(200);
  expect(await refresh(baseURL!, alices)).toBe(200);
});
