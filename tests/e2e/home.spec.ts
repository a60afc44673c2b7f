import { expect, test } from "@playwright/test";

test("the home page says what this is and shows the MCP endpoint to paste", async ({ page, baseURL }) => {
  const errors: string[] = [];
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  page.on("pageerror", (err) => errors.push(err.message));
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("nextcloud-mcp");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Nextcloud");
  await expect(page.getByTestId("mcp-endpoint")).toHaveText(`${baseURL}/api/mcp`);
  await expect(page.getByRole("main")).toContainText("Model Context Protocol");
  // The nonce CSP must not block the app's own scripts or styles.
  expect(errors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
  const bg = await page.locator("body").evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(bg).not.toBe("rgba(0, 0, 0, 0)"); // Tailwind's stylesheet loaded
  expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  await page.screenshot({ path: test.info().outputPath("home.png"), fullPage: true });
});

test("an unknown page is a readable 404 under the same CSP", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("not found");
  expect(errors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
});
