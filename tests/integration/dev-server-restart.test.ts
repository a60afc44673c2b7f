/**
 * Restarting `npm run dev` never breaks sign-in (issue 12). Seen on two
 * machines: after a restart over an existing build folder, the IdP's sign-in
 * or consent page reloaded itself in a loop (`✓ Compiled …`, then
 * `GET /interaction/…` again and again) until the folder was deleted.
 *
 * What a person does, in Chromium: a client sends the browser to the IdP,
 * the person signs in and consents, the client gets its code — then the dev
 * server is stopped and started again over its own build folder and data,
 * and the same browser (its IdP cookies included) does it again, once with a
 * page left open across the restart. Every page of the flow must load a
 * bounded number of times (a reload loop fails here, not only by timeout).
 *
 * Runs once (the embedded database is what `npm run dev` uses); its own
 * build folder (NEXT_DIST_DIR), so a developer's running `npm run dev`
 * (which locks .next) does not collide with it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, testDbKind } from "../helpers/databases";
import { freePort } from "../helpers/ports";
import { chromiumArgs, chromiumPath } from "../helpers/chromium.mjs";
import { descendantsOf, stopProcesses } from "../helpers/process-tree.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIST = ".next-dev-restart";
const REDIRECT = "http://127.0.0.1:9/callback";
/** A page of the flow may load twice (e.g. once before the dev server restarted); a loop loads it many times. */
const MAX_LOADS_PER_PAGE = 3;
/** How long a person looks at a page that shows neither the sign-in form nor the consent before reloading it. */
const STALL_MS = 60_000;

interface DevServer {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe.runIf(testDbKind() === "pglite")("npm run dev, restarted over its own build folder", () => {
  let port: number;
  let base: string;
  let dataDir: string;
  let server: DevServer | undefined;
  let browser: Browser;
  let password: string;
  /** Reloads the test itself asked for (a page that showed nothing useful for STALL_MS), by path. */
  const reloads = new Map<string, number>();

  function start(): DevServer {
    const child = spawn(process.execPath, ["scripts/start.mjs", "dev"], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "development",
        NEXT_DIST_DIR: DIST,
        PORT: String(port),
        APP_URL: base,
        DATA_DIR: dataDir,
        // No sandbox process: sign-in never calls Nextcloud.
        NEXTCLOUD_URL: "http://127.0.0.1:9",
      },
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, output: () => out, exited };
  }

  async function stop(): Promise<void> {
    if (!server?.child.pid) return;
    const s = server;
    server = undefined;
    await stopProcesses([s.child.pid!, ...descendantsOf(s.child.pid!)], s.exited);
  }

  /** The end of what the dev server printed, for an error message: without the demo account's password it prints on first start. */
  function lastPrinted(s: DevServer): string {
    return s.output().replace(/(Password:\s+)\S+/g, "$1(left out)").slice(-3000);
  }

  async function waitUntilReady(s: DevServer): Promise<void> {
    const deadline = Date.now() + 170_000;
    while (Date.now() < deadline) {
      if (s.child.exitCode !== null) throw new Error(`npm run dev exited:\n${lastPrinted(s)}`);
      const ok = await fetch(`${base}/api/oidc/.well-known/openid-configuration`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`npm run dev did not answer:\n${lastPrinted(s)}`);
  }

  /** A client's authorization request (RFC 7591 registration, PKCE S256, RFC 8707 resource). */
  async function authorizationUrl(): Promise<string> {
    const reg = await fetch(`${base}/api/oidc/reg`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Dev restart client", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" }),
    });
    expect(reg.status).toBe(201);
    const clientId = ((await reg.json()) as { client_id: string }).client_id;
    const url = new URL(`${base}/api/oidc/auth`);
    url.search = new URLSearchParams({
      client_id: clientId,
      response_type: "code",
      redirect_uri: REDIRECT,
      scope: "openid notes.read",
      resource: `${base}/api/mcp`,
      state: randomBytes(8).toString("hex"),
      code_challenge: createHash("sha256").update(randomBytes(32).toString("base64url")).digest("base64url"),
      code_challenge_method: "S256",
    }).toString();
    return url.toString();
  }

  /** Loads of each IdP page of a browser page (full document loads: a reload loop multiplies them). */
  function countLoads(page: Page): Map<string, number> {
    // A dev server compiles each route on its first request: minutes on a loaded 2-core machine.
    page.setDefaultTimeout(150_000);
    page.setDefaultNavigationTimeout(150_000);
    const loads = new Map<string, number>();
    page.on("request", (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame() && request.method() === "GET") {
        const { pathname } = new URL(request.url());
        if (pathname.startsWith("/interaction/")) loads.set(pathname, (loads.get(pathname) ?? 0) + 1);
      }
    });
    return loads;
  }

  /**
   * Waits for a state of the flow; on time-out says where the page is, what it shows and what the server printed last.
   * `stalled` runs once if the state is not reached within STALL_MS (what a person does about a page that shows nothing useful).
   */
  async function waitFor(page: Page, what: string, reached: () => Promise<boolean>, stalled?: () => Promise<void>): Promise<void> {
    const began = Date.now();
    let nudged = stalled === undefined;
    while (!(await reached())) {
      if (Date.now() > began + 150_000) throw new Error(await where(page, what));
      if (!nudged && Date.now() > began + STALL_MS) {
        nudged = true;
        await stalled!();
        continue;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function where(page: Page, what: string): Promise<string> {
    const text = await page.locator("body").innerText({ timeout: 5_000 }).catch((e: Error) => `(no text: ${e.message.split("\n")[0]})`);
    // An empty body may hide Next's dev overlay (a shadow root) or a document still streaming: its markup says which.
    const markup = await page
      .evaluate(() => {
        const overlay = [...document.querySelectorAll("nextjs-portal")].map((p) => p.shadowRoot?.textContent ?? "").join(" ");
        const body = document.body?.cloneNode(true) as HTMLElement | undefined;
        body?.querySelectorAll("script, style").forEach((e) => e.remove());
        // The markup goes to CI's log: no form values in it (the sign-in form carries a CSRF token).
        body?.querySelectorAll("input").forEach((e) => e.removeAttribute("value"));
        return `readyState ${document.readyState}; overlay: ${overlay.slice(0, 600) || "(none)"}; body markup: ${body?.innerHTML.slice(0, 600) ?? "(no body)"}`;
      })
      .catch((e: Error) => `(no markup: ${e.message.split("\n")[0]})`);
    return [
      `waited for ${what}; the page is at ${page.url()} and shows:`,
      text.slice(0, 800) || "(nothing)",
      markup,
      "--- npm run dev printed last:",
      server ? lastPrinted(server) : "(stopped)",
    ].join("\n");
  }

  /**
   * Sign-in and consent as a person does them; resolves with the code delivered to the client's redirect URI.
   * A page left open across a restart reloads itself once its dev client reconnects (Next.js reloads the
   * browser when the dev server it talked to was restarted: vercel/next.js#68630, #83971). That reload can
   * land between typing and the answer; a person then sees the form again and fills it in again, and so does
   * this (each step waits for the page to move on: a new document, or the code). MAX_LOADS_PER_PAGE still
   * bounds how often each page loaded, so a reload loop fails the test.
   */
  async function signIn(page: Page, label: string, options: { openAt?: string } = {}): Promise<string> {
    let code: string | undefined;
    // The client's redirect URI: the answer counts as delivered once the browser requests it with a code. Read
    // from every request, redirect hops included: a route handler sees only the first request of a redirect
    // chain (Playwright's own test "should not work with redirects", page-route.spec.ts), and the consent's
    // answer reaches the redirect URI by 303s (seen here: the browser showed "This site can't be reached" for it).
    const takeCode = (url: string) => {
      if (url.startsWith(REDIRECT)) code ??= new URL(url).searchParams.get("code") ?? undefined;
    };
    page.on("request", (request) => takeCode(request.url()));
    await page.route(`${REDIRECT}**`, async (route) => {
      takeCode(route.request().url());
      await route.fulfill({ status: 200, contentType: "text/plain", body: "client received the answer" });
    });
    let documents = 0;
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) documents += 1;
    });
    if (options.openAt) await page.goto(options.openAt, { timeout: 150_000 });
    const username = page.getByLabel("Username");
    const allow = page.getByRole("button", { name: "Allow" });
    const actions: string[] = [];
    for (let step = 1; code === undefined; step += 1) {
      const sofar = `${label}, after ${actions.join(" → ") || "no step"}`;
      if (step > 8) throw new Error(await where(page, `the code within 8 steps (${sofar})`));
      await waitFor(
        page,
        `the sign-in or consent page (${sofar})`,
        async () => (await username.isVisible()) || (await allow.isVisible()) || code !== undefined,
        // Counted apart from the page's own loads (MAX_LOADS_PER_PAGE is about loads nobody asked for), and logged with what the page showed.
        async () => {
          const shown = (await page.locator("body").innerText({ timeout: 5_000 }).catch(() => "")).replace(/\s+/g, " ").trim();
          actions.push(`reload (for ${STALL_MS / 1000} s the page showed ${shown ? `"${shown.slice(0, 120)}"` : "nothing"})`);
          const pathname = new URL(page.url()).pathname;
          reloads.set(pathname, (reloads.get(pathname) ?? 0) + 1);
          await page.reload({ timeout: 150_000 }).catch(() => undefined);
        },
      );
      if (code !== undefined) break;
      const before = documents;
      // A reload under the person's hands detaches what they were typing into, and a click whose page moves on
      // to the (unreachable) redirect URI reports a failed navigation: either way the loop looks again.
      const signingIn = await username.isVisible();
      const acted = signingIn
        ? await (async () => {
            await username.fill("demo", { timeout: 10_000 });
            await page.getByLabel("Password").fill(password, { timeout: 10_000 });
            await page.getByRole("button", { name: "Sign in" }).click({ timeout: 10_000 });
          })().then(() => true, () => false)
        : await allow.click({ timeout: 10_000 }).then(() => true, () => false);
      if (acted) await waitFor(page, `the page to move on after step ${step} (${sofar})`, async () => code !== undefined || documents > before);
      actions.push(`${signingIn ? "sign in" : "allow"}${acted ? "" : " (interrupted: the page changed under it)"}`);
    }
    // More steps than "sign in → allow" (or "allow" alone) show that a reload sent the person back.
    console.info(`dev-server-restart, ${label}: ${actions.join(" → ")} → code`);
    return code!;
  }

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = tempDir("dev-restart");
    rmSync(path.join(ROOT, DIST), { recursive: true, force: true });
    browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
    server = start();
    await waitUntilReady(server);
    // The demo account `npm run dev` creates on first start (development only).
    const match = /Password:\s+(\S+)/.exec(server.output());
    expect(match, lastPrinted(server)).toBeTruthy();
    password = match![1]!;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stop();
    rmSync(path.join(ROOT, DIST), { recursive: true, force: true });
  });

  it("signs in before and after a restart, with no page reloading itself in a loop", { timeout: 600_000 }, async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    const firstLoads = countLoads(first);
    expect(await signIn(first, "first sign-in", { openAt: await authorizationUrl() })).toBeTruthy();

    // A sign-in left open on the consent page while the server restarts (a fresh context: asked again).
    const open = await (await browser.newContext()).newPage();
    const openLoads = countLoads(open);
    await open.goto(await authorizationUrl(), { timeout: 150_000 });
    await open.getByLabel("Username").waitFor({ state: "visible", timeout: 150_000 });

    await stop();
    server = start();
    await waitUntilReady(server);

    // The page left open, then a new sign-in in the same browser as before (its IdP session cookie kept).
    expect(await signIn(open, "page left open across the restart")).toBeTruthy();
    const again = await context.newPage();
    const againLoads = countLoads(again);
    expect(await signIn(again, "sign-in after the restart", { openAt: await authorizationUrl() })).toBeTruthy();

    for (const loads of [firstLoads, openLoads, againLoads]) {
      for (const [page, count] of loads) {
        const asked = reloads.get(page) ?? 0;
        expect(count - asked, `${page} loaded ${count} times (${asked} of them reloads the test asked for)`).toBeLessThanOrEqual(MAX_LOADS_PER_PAGE);
      }
    }
  });
});
