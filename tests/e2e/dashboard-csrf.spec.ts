/**
 * CSRF: every state change is a POST that must come from this app's own
 * pages. A cross-site POST (or one without Origin) to a server action, to
 * sign-in or to sign-out is refused, even with the person's cookies.
 */
import { expect, test } from "@playwright/test";
import { callServerAction, formActionId, postActionForm, signIn } from "./dashboard-helpers";
import { usersOf } from "./e2e-users";
import { authorizeMcpClient, callTool } from "./dashboard-mcp-client";

const { admin, alice } = usersOf(import.meta.url);

test("a cross-origin or Origin-less POST to a server action is refused", async ({ page, baseURL }) => {
  const client = await authorizeMcpClient(baseURL!, alice, { name: "CSRF Target", scopes: ["notes.read"] });
  await signIn(page, admin, "/dashboard/admin");
  const form = page.locator(`[data-client-id="${client.clientId}"] form`);
  const id = await formActionId(form);
  const fields = { clientId: client.clientId, change: "disable" };
  const url = `${baseURL}/dashboard/admin`;

  // Next.js compares Origin with Host and refuses the action before it runs.
  expect([200, 303]).not.toContain(await callServerAction(page.request, url, id, fields, "http://evil.example"));
  expect([200, 303]).not.toContain(await postActionForm(page.request, url, id, fields, "http://evil.example"));
  // Without an Origin, the dashboard's own check refuses it (403).
  expect(await callServerAction(page.request, url, id, fields)).toBe(403);
  await page.reload();
  await expect(form).toContainText("Disable");
  expect((await callTool(baseURL!, client.accessToken, "whoami")).status).toBe(200);

  // The same request from this origin works: the refusals above were the Origin's doing.
  expect(await postActionForm(page.request, url, id, fields, baseURL)).toBe(303);
  await page.reload();
  await expect(page.locator(`[data-client-id="${client.clientId}"]`)).toContainText("disabled");
});

test("cross-site sign-in and sign-out posts are refused", async ({ page, baseURL }) => {
  await signIn(page, alice);
  const signOut = await page.request.post(`${baseURL}/dashboard/sign-out`, { headers: { origin: "http://evil.example" }, maxRedirects: 0 });
  expect(signOut.status()).toBe(403);
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Dashboard" })).toBeVisible();
  const signInStart = await page.request.post(`${baseURL}/dashboard/sign-in/start`, { form: { callbackUrl: "/dashboard" }, headers: { origin: "http://evil.example" }, maxRedirects: 0 });
  expect(signInStart.status()).toBe(403);
});
