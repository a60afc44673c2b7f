/**
 * A person at a real browser (Debian Chromium through playwright-core) beside
 * a real MCP client (the SDK's `Client` + `StreamableHTTPClientTransport` with
 * its own OAuth flow), as a model meets this server:
 *
 * - the client may only call tools that the latest `tools/list` returned
 *   (`callListed` refuses anything else), because a model cannot call a tool it
 *   was never shown;
 * - every authorization URL the SDK produces is opened in Chromium, where the
 *   person signs in and answers the consent page by clicking; the redirect to
 *   the client's loopback redirect URI is a small server of this person's, as
 *   a native client runs one, and hands its code to `finishAuth`;
 * - every screen on which the person had to decide something (sign-in,
 *   consent, provisioning) is counted in `screens`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { newTransport, TestOAuthProvider } from "./mcp-client";
import { chromiumArgs, chromiumPath } from "./chromium.mjs";

export type Screen = "sign-in" | "consent" | "provisioning";

/** With SCREENSHOT_DIR set, every screen the person sees is saved there (README's first-run pictures: docs/screenshots). */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

export interface BrowserAnswers {
  /** Scopes the person unticks on the consent page. */
  untick?: readonly string[];
  /** false: these IdP screens are not saved to SCREENSHOT_DIR. */
  screenshots?: boolean;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs],
  });
}

/** The link a tool result hands the model for the person to open. */
export const provisioningLinkIn = (text: string) => /https?:\/\/[^\s)]+\/oauth\/authorize-nextcloud[^\s)]*/.exec(text)?.[0]?.replace(/[.,;:]$/, "");

export const resultText = (result: CallToolResult) => result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");

export class BrowserPerson {
  readonly screens: Screen[] = [];
  readonly provider: TestOAuthProvider;
  readonly client = new Client({ name: "model-path", version: "1.0.0" });
  private transport!: StreamableHTTPClientTransport;
  private listed = new Map<string, Tool>();
  private pendingCode?: { resolve(code: string): void; reject(error: Error): void };

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly account: { username: string; password: string },
    readonly mcpUrl: string,
    redirectUri: string,
    private readonly loopback: http.Server,
  ) {
    this.provider = new TestOAuthProvider({ redirectUri, clientName: `model-path client of ${account.username}` });
  }

  /** `contextOptions`: e.g. `{ javaScriptEnabled: false }` for a person whose browser runs no JavaScript. */
  static async open(browser: Browser, mcpUrl: string, account: { username: string; password: string }, contextOptions: BrowserContextOptions = {}): Promise<BrowserPerson> {
    const context = await browser.newContext(contextOptions);
    const page = await context.newPage();
    // The client's loopback redirect URI, served as a native MCP client serves it (RFC 8252 §7.3): a
    // Playwright route would not see it, as the IdP's 303 leads there and a route handler sees only the
    // first request of a redirect chain; the navigation failed first and reached the route only through
    // Chromium's error-page reload a second later.
    const loopback = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname !== "/callback") return void res.writeHead(404).end();
      const code = url.searchParams.get("code");
      const waiting = person.pendingCode;
      person.pendingCode = undefined;
      if (code) waiting?.resolve(code);
      else waiting?.reject(new Error(`authorization ended with ${url.searchParams.get("error") ?? "no code"}: ${url.searchParams.get("error_description") ?? ""}`));
      res.writeHead(200, { "content-type": "text/html" }).end("<title>Done</title><p>You can close this window.</p>");
    });
    await new Promise<void>((resolve) => loopback.listen(0, "127.0.0.1", resolve));
    const redirectUri = `http://127.0.0.1:${(loopback.address() as AddressInfo).port}/callback`;
    const person = new BrowserPerson(context, page, account, mcpUrl, redirectUri, loopback);
    return person;
  }

  private async shot(name: string): Promise<void> {
    if (SCREENSHOT_DIR) await this.page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
  }

  private get signInForm() {
    return this.page.getByLabel("Username");
  }

  private get allowButton() {
    return this.page.getByRole("button", { name: "Allow" });
  }

  /** Waits until the browser shows one of `screens` (or the given end), then tells which. */
  private async settle(end: ReturnType<Page["locator"]>): Promise<"sign-in" | "consent" | "end"> {
    await this.signInForm.or(this.allowButton).or(end).first().waitFor({ timeout: 30_000 });
    if (await this.signInForm.isVisible()) return "sign-in";
    if (await this.allowButton.isVisible()) return "consent";
    return "end";
  }

  /** Answers the IdP's sign-in and consent pages until `end` shows; each page answered is a screen. */
  private async answerIdp(end: ReturnType<Page["locator"]>, answers: BrowserAnswers): Promise<void> {
    for (let step = 0; step < 4; step++) {
      const shown = await this.settle(end);
      if (shown === "end") return;
      this.screens.push(shown);
      if (answers.screenshots !== false) await this.shot(shown === "sign-in" ? "sign-in" : "consent-page");
      if (shown === "sign-in") {
        await this.signInForm.fill(this.account.username);
        await this.page.getByLabel("Password").fill(this.account.password);
        await this.page.getByRole("button", { name: "Sign in" }).click();
      } else {
        for (const scope of answers.untick ?? []) await this.page.locator(`input[type="checkbox"][value="${scope}"]`).uncheck();
        await this.allowButton.click();
      }
      await this.page.waitForLoadState();
    }
    throw new Error(`the identity provider kept asking (${this.screens.join(", ")})`);
  }

  /** Opens the authorization URL the SDK produced, answers the IdP's pages, returns the code. */
  async authorize(url: URL, answers: BrowserAnswers = {}): Promise<string> {
    const code = new Promise<string>((resolve, reject) => (this.pendingCode = { resolve, reject }));
    await this.page.goto(url.href);
    await this.answerIdp(this.page.getByText("You can close this window."), answers);
    return code;
  }

  private async signInThroughClient(answers: BrowserAnswers): Promise<void> {
    const url = this.provider.lastAuthorizationUrl;
    if (!url) throw new Error("the SDK asked for authorization without an authorization URL");
    this.provider.lastAuthorizationUrl = undefined;
    const code = await this.authorize(url, answers);
    await this.transport.finishAuth(code);
  }

  /** Connects the SDK client, signing in and consenting in the browser when the server asks (401). */
  async connect(answers: BrowserAnswers = {}): Promise<this> {
    this.transport = newTransport(this.mcpUrl, this.provider);
    try {
      await this.client.connect(this.transport);
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      await this.signInThroughClient(answers);
      this.transport = newTransport(this.mcpUrl, this.provider);
      await this.client.connect(this.transport);
    }
    return this;
  }

  /** tools/list, remembered: only these tools may be called afterwards. */
  async listTools(): Promise<string[]> {
    const { tools } = await this.client.listTools();
    this.listed = new Map(tools.map((t) => [t.name, t]));
    return tools.map((t) => t.name);
  }

  tool(name: string): Tool | undefined {
    return this.listed.get(name);
  }

  /** Calls a tool the latest tools/list showed; a tool the model never saw cannot be called. */
  async callListed(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    if (!this.listed.has(name)) throw new Error(`${name} was not in the latest tools/list (${[...this.listed.keys()].join(", ")})`);
    return (await this.client.callTool({ name, arguments: args })) as CallToolResult;
  }

  /** The person opens a provisioning link in the browser and continues; returns the result page's outcome. */
  async provision(link: string, options: { untick?: readonly string[] } = {}): Promise<{ outcome?: string; text: string }> {
    const outcomeBadge = this.page.getByTestId("provisioning-outcome");
    await this.continueProvisioning(link, options.untick ?? [], outcomeBadge);
    const outcome = await outcomeBadge.getAttribute("data-kind");
    await this.shot("provisioning-result");
    return { outcome: outcome ?? undefined, text: await this.page.locator("main").innerText() };
  }

  /**
   * App-password mode: the person opens a provisioning link and continues
   * until the Login Flow v2 page (or a result page) shows; returns its state
   * (`pending`, `confirm`, …) or the result's outcome.
   */
  async provisionUntilNextcloudLogin(link: string): Promise<{ state?: string; outcome?: string }> {
    const connectState = this.page.getByTestId("connect-state");
    const outcomeBadge = this.page.getByTestId("provisioning-outcome");
    await this.continueProvisioning(link, [], connectState.or(outcomeBadge));
    if (await outcomeBadge.isVisible()) return { outcome: (await outcomeBadge.getAttribute("data-kind")) ?? undefined };
    return { state: (await connectState.getAttribute("data-state")) ?? undefined };
  }

  /** Opens the provisioning page, unticks `untick`, presses Continue and answers the IdP until `end` shows. */
  private async continueProvisioning(link: string, untick: readonly string[], end: ReturnType<Page["locator"]>): Promise<void> {
    await this.page.goto(link);
    this.screens.push("provisioning");
    await this.shot("provisioning-page");
    for (const scope of untick) await this.page.locator(`input[type="checkbox"][value="${scope}"]`).uncheck();
    const continueButton = this.page.locator('form[action="/oauth/authorize-nextcloud/continue"] button[type="submit"]').first();
    try {
      await continueButton.waitFor({ timeout: 30_000 });
    } catch {
      throw new Error(`no Continue button on the provisioning page (${this.page.url()}): ${(await this.page.locator("body").innerText()).slice(0, 500)}`);
    }
    await continueButton.click();
    await this.answerIdp(end, {});
  }

  /**
   * The person changes their mind on the dashboard: signs in there (same
   * browser, so the IdP knows them), opens Connections, and unticks `scopes`
   * for this client. Dashboard screens are not part of the client's story and
   * are not counted.
   */
  async narrowOnDashboard(appUrl: string, scopes: readonly string[]): Promise<void> {
    const counted = this.screens.length;
    await this.page.goto(`${appUrl}/dashboard/connections`);
    const nav = this.page.getByRole("navigation", { name: "Dashboard" });
    await this.page.getByRole("button", { name: "Continue to sign-in" }).or(nav).first().waitFor();
    if (!(await nav.isVisible())) {
      await this.page.getByRole("button", { name: "Continue to sign-in" }).click();
      await this.answerIdp(nav, { screenshots: false });
    }
    this.screens.splice(counted);
    const name = this.provider.clientMetadata.client_name!;
    // The form sits in a closed <details> ("Change what it may do") until the person opens it.
    const form = this.page.locator("form", { has: this.page.getByRole("button", { name: `Save what ${name} may do`, includeHidden: true }) });
    await form.locator("xpath=ancestor::details").locator("summary").click();
    for (const scope of scopes) await form.locator(`input[type="checkbox"][value="${scope}"]`).uncheck();
    await this.shot("dashboard-connections");
    await form.getByRole("button", { name: `Save what ${name} may do` }).click();
    // The action answers with a redirect to ?done=narrowed (or ?error=…): wait for it, not for "load".
    await this.page.waitForURL(/[?&](done|error)=/);
    if (!this.page.url().includes("done=narrowed")) throw new Error(`narrowing was refused: ${this.page.url()}`);
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => {});
    await this.context.close().catch(() => {});
    this.loopback.closeAllConnections();
    await new Promise((resolve) => this.loopback.close(resolve));
  }
}
