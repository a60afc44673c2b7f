/**
 * The whole Flow 2 stack for end-to-end tests: the real app (built-in IdP,
 * MCP endpoint, provisioning pages) on 127.0.0.1, a Nextcloud sandbox that
 * trusts the app's IdP and records what it saw, accounts for Alice and Bob,
 * the MCP SDK client signing in through the IdP's real login and consent
 * forms, and a person (cookie jar) opening provisioning links.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "@/lib/sandbox/start-sandbox";
import type { AppServer } from "./app-server";
import { createTestDatabase, testDbKind, type TestDatabase } from "./databases";
import { ALICE, BOB, idpEnv, seedAccounts, startAppOnPort } from "./idp-app";
import { UnauthorizedError as ModernUnauthorizedError } from "@modelcontextprotocol/client";
import { LATEST_PROTOCOL, MODERN_PROTOCOL, newModernClient, newModernTransport, newTransport, TestOAuthProvider, type ModernClient, type ModernTransport, type ProtocolVersion } from "./mcp-client";
import { authorizeWithLogin, createCookieJar, type CookieJar } from "./oidc-login";
import { freePort } from "./ports";

export { ALICE, BOB };
export type Person = typeof ALICE;

/** How this server reaches Nextcloud (NEXTCLOUD_AUTH, issue 14). */
export type NextcloudAuthMode = "bearer" | "app-password";
/** Both modes, for tool suites that run once per mode (one stack each): `describe.each(NEXTCLOUD_AUTH_MODES)`. */
export const NEXTCLOUD_AUTH_MODES: readonly NextcloudAuthMode[] = ["bearer", "app-password"];
/** The stack's app serves /api/metrics with this bearer (the exchange counter proves each call exchanged first). */
const METRICS_TOKEN = "provisioning-stack-metrics-token-0123456789";

export interface ProvisioningStack {
  /** NEXTCLOUD_AUTH of the app (from the env it was started with; bearer by default). */
  mode: NextcloudAuthMode;
  database: TestDatabase;
  app: AppServer;
  sandbox: Sandbox;
  ids: Record<string, string>;
  stop(): Promise<void>;
}

/** `sandbox`: extra sandbox options, e.g. `{ seedUsers: ["alice"] }` for the demo notes, files and Deck board. */
export async function startProvisioningStack(env: Record<string, string> = {}, sandboxOptions: Pick<SandboxOptions, "seedUsers"> = {}): Promise<ProvisioningStack> {
  const database = await createTestDatabase(testDbKind());
  const ids = await seedAccounts(database, [ALICE, BOB]);
  const port = await freePort();
  const sandbox = await startSandbox({ issuer: `http://127.0.0.1:${port}/api/oidc`, audience: "nextcloud", recordTokens: true, ...sandboxOptions });
  const sandboxPort = new URL(sandbox.url).port;
  let app: AppServer;
  try {
    app = await startAppOnPort(idpEnv(database, { SANDBOX_PORT: sandboxPort, METRICS_TOKEN, ...env }), port);
  } catch (error) {
    await sandbox.close();
    await database.drop();
    throw error;
  }
  const stack: ProvisioningStack = {
    mode: env.NEXTCLOUD_AUTH === "app-password" ? "app-password" : "bearer",
    database,
    app,
    sandbox,
    ids,
    async stop() {
      // stack.app, not app: a test may have restarted the app (and replaced stack.app).
      await stack.app.stop();
      await sandbox.close();
      await database.drop();
    },
  };
  return stack;
}

/**
 * An MCP client used by one person: signs in (and steps up) through the IdP's forms whenever the SDK asks.
 * `protocol: MODERN_PROTOCOL` makes it the SDK v2 client pinned to MCP 2026-07-28 (`client` is then unused);
 * with `urlElicitation` too, the person opens each provisioning URL the server asks for (input_required)
 * and the SDK retries the call with the server's requestState.
 */
export class PersonClient {
  readonly jar: CookieJar = createCookieJar();
  readonly provider = new TestOAuthProvider();
  readonly client: Client;
  readonly modern?: ModernClient;
  readonly protocol: ProtocolVersion;
  private transport!: StreamableHTTPClientTransport | ModernTransport;
  /** How many times the SDK sent the person to the IdP. */
  authorizations = 0;
  /** Provisioning URLs the server asked this (2026-07-28) client to open, and what the person's visit ended in. */
  readonly openedLinks: { url: string; outcome?: string }[] = [];

  constructor(
    private readonly stack: ProvisioningStack,
    readonly person: Person,
    private readonly options: { urlElicitation?: boolean; untick?: string[]; scopes?: string[]; protocol?: ProtocolVersion } = {},
  ) {
    this.protocol = options.protocol ?? LATEST_PROTOCOL;
    this.client = new Client({ name: "provisioning-e2e", version: "1.0.0" }, { capabilities: options.urlElicitation ? { elicitation: { url: {} } } : {} });
    if (this.protocol === MODERN_PROTOCOL) {
      this.modern = newModernClient(
        options.urlElicitation
          ? {
              onUrl: async (url) => {
                const visit = await openProvisioningLink(url, person);
                this.openedLinks.push({ url, outcome: visit.outcome });
                return visit.outcome === "provisioned" ? "accept" : "cancel";
              },
            }
          : {},
      );
    }
    this.extraScopes = options.scopes ?? [];
  }

  private newTransport(mcpUrl: string): StreamableHTTPClientTransport | ModernTransport {
    return this.modern ? newModernTransport(mcpUrl, this.provider) : newTransport(mcpUrl, this.provider);
  }

  private connectTransport(): Promise<void> {
    return this.modern ? this.modern.connect(this.transport as ModernTransport) : this.client.connect(this.transport as StreamableHTTPClientTransport);
  }

  private static unauthorized(error: unknown): boolean {
    return error instanceof UnauthorizedError || error instanceof ModernUnauthorizedError;
  }

  /** Scopes this client asks for on every authorization besides what the SDK chose (a client that asks for its tools' scopes up front). */
  private readonly extraScopes: string[];

  private async signIn(): Promise<void> {
    const url = this.provider.lastAuthorizationUrl;
    if (!url) throw new Error("the SDK asked for authorization without an authorization URL");
    this.provider.lastAuthorizationUrl = undefined;
    this.authorizations++;
    if (this.extraScopes.length > 0) url.searchParams.set("scope", [...new Set([...(url.searchParams.get("scope") ?? "").split(" ").filter(Boolean), ...this.extraScopes])].join(" "));
    const result = await authorizeWithLogin({ authorizationUrl: url, username: this.person.username, password: this.person.password, jar: this.jar, untick: this.options.untick });
    if (!result.code) throw new Error(`authorization failed: ${result.error ?? "no code"} ${result.errorDescription ?? ""}`);
    // SDK v2 clients check the RFC 9207 `iss` of the authorization response.
    if (this.modern) await (this.transport as ModernTransport).finishAuth(result.code, result.iss);
    else await (this.transport as StreamableHTTPClientTransport).finishAuth(result.code);
  }

  private async withAuth<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (!PersonClient.unauthorized(error) || attempt >= 2) throw error;
        await this.signIn();
      }
    }
  }

  async connect(): Promise<this> {
    const mcpUrl = `${this.stack.app.url}/api/mcp`;
    this.transport = this.newTransport(mcpUrl);
    try {
      await this.connectTransport();
    } catch (error) {
      if (!PersonClient.unauthorized(error)) throw error;
      await this.signIn();
      this.transport = this.newTransport(mcpUrl);
      await this.connectTransport();
    }
    return this;
  }

  call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    const modern = this.modern;
    if (modern) return this.withAuth(async () => (await modern.callTool({ name, arguments: args })) as CallToolResult);
    return this.withAuth(() => this.client.callTool({ name, arguments: args }) as Promise<CallToolResult>);
  }

  /** The names tools/list shows this client. */
  async toolNames(): Promise<string[]> {
    const { tools } = this.modern ? await this.withAuth(() => this.modern!.listTools()) : await this.withAuth(() => this.client.listTools());
    return tools.map((t) => t.name);
  }

  async close(): Promise<void> {
    await (this.modern ?? this.client).close().catch(() => {});
  }
}

export const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");

export const linkIn = (text: string) => /https?:\/\/\S+\/oauth\/authorize-nextcloud\?request=[A-Za-z0-9._~%-]+/.exec(text)?.[0];

/** The `scope` boxes of the provisioning page a browser would submit: ticked and not disabled. */
export function tickedScopes(page: string): string[] {
  return [...page.matchAll(/<input[^>]*name="scope"[^>]*>/g)]
    .map((m) => m[0])
    .filter((input) => /\schecked(=|\s|\/|>)/.test(input) && !/\sdisabled(=|\s|\/|>)/.test(input))
    .map((input) => /value="([^"]+)"/.exec(input)![1]!);
}

export interface ProvisioningVisit {
  /** The provisioning page as shown. */
  page: string;
  /** The result page's outcome (data-kind), or undefined when the flow stopped earlier. */
  outcome?: string;
  resultPage?: string;
  /** The callback URL the IdP sent the browser to (to replay it). */
  callbackUrl?: string;
  /** The IdP's pages the person saw between Continue and the result page (none when signed in: the provisioning page is the consent). */
  idpSteps?: ("login" | "consent")[];
}

/** Reads `data-kind` of the result page. */
export const outcomeOf = (html: string) => /data-testid="provisioning-outcome" data-kind="([a-z_]+)"/.exec(html)?.[1] ?? /data-kind="([a-z_]+)"[^>]*data-testid="provisioning-outcome"/.exec(html)?.[1];

/** Follows one redirect chain on the app with the person's cookies; returns the final page. */
export async function browse(url: string, jar: CookieJar, init: { method?: string; body?: URLSearchParams; origin?: string } = {}): Promise<{ url: string; status: number; html: string }> {
  let current = new URL(url);
  let method = init.method ?? "GET";
  let body = init.body;
  for (let hop = 0; hop < 10; hop++) {
    const headers: Record<string, string> = { accept: "text/html" };
    const cookie = jar.header(current);
    if (cookie) headers.cookie = cookie;
    if (body) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      if (init.origin !== "none") headers.origin = init.origin ?? current.origin;
    }
    const res = await fetch(current, { method, headers, body, redirect: "manual" });
    jar.store(current, res.headers.getSetCookie());
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      current = new URL(location, current);
      method = "GET";
      body = undefined;
      continue;
    }
    return { url: current.href, status: res.status, html: await res.text() };
  }
  throw new Error(`too many redirects from ${url}`);
}

/**
 * A person opens a provisioning link: sees the page, presses Continue, signs
 * in and answers the IdP's consent, and lands on the result page.
 */
export async function openProvisioningLink(
  link: string,
  person: Person,
  options: { jar?: CookieJar; consent?: "allow" | "deny"; origin?: string; untick?: string[]; onlyNeeded?: boolean } = {},
): Promise<ProvisioningVisit> {
  const jar = options.jar ?? createCookieJar();
  const pageResponse = await fetch(link, { headers: { accept: "text/html" } });
  const page = await pageResponse.text();
  const request = new URL(link).searchParams.get("request") ?? "";
  const continueUrl = new URL("/oauth/authorize-nextcloud/continue", link);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "text/html" };
  if (options.origin !== "none") headers.origin = options.origin ?? continueUrl.origin;
  const form = new URLSearchParams({ request });
  // The scopes the calling tool needs are fixed on the page; the others are ticked unless the person unticks them (all of them: onlyNeeded).
  if (!options.onlyNeeded) for (const scope of tickedScopes(page)) if (!options.untick?.includes(scope)) form.append("scope", scope);
  const posted = await fetch(continueUrl, { method: "POST", headers, body: form, redirect: "manual" });
  const location = new URL(posted.headers.get("location") ?? "/", continueUrl);
  await posted.body?.cancel();
  if (location.pathname.startsWith("/oauth/provisioning-result")) {
    const result = await browse(location.href, jar);
    return { page, outcome: outcomeOf(result.html), resultPage: result.html };
  }
  const authorized = await authorizeWithLogin({ authorizationUrl: location, username: person.username, password: person.password, consent: options.consent ?? "allow", jar });
  if (!authorized.redirectUrl.includes("/oauth/callback-nextcloud")) return { page, idpSteps: authorized.steps };
  const result = await browse(authorized.redirectUrl, jar);
  return { page, outcome: outcomeOf(result.html), resultPage: result.html, callbackUrl: authorized.redirectUrl, idpSteps: authorized.steps };
}

/** The person at Nextcloud's login page (the sandbox's Login Flow v2): signs in as `nextcloudUser` and grants or denies. */
export async function answerNextcloudLogin(loginUrl: string, nextcloudUser: string, decision: "grant" | "deny" = "grant"): Promise<void> {
  const page = await fetch(loginUrl);
  await page.body?.cancel();
  if (page.status !== 200) throw new Error(`Nextcloud's login page answered HTTP ${page.status}`);
  const res = await fetch(loginUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ user: nextcloudUser, password: nextcloudUser, decision }) });
  await res.body?.cancel();
  if (res.status !== 200) throw new Error(`Nextcloud's login form answered HTTP ${res.status}`);
}

/** The Login Flow v2 link on the connect page (app-password mode). */
export function loginLinkIn(html: string): string {
  const link = /href="([^"]+\/index\.php\/login\/v2\/flow\/[^"]+)"/.exec(html)?.[1];
  if (!link) throw new Error("no Nextcloud login link on the page");
  return link;
}

/** The connect page's state (app-password mode): pending, confirm, none. */
export const connectStateOf = (html: string) => /data-testid="connect-state" data-state="([a-z]+)"/.exec(html)?.[1];

/**
 * A tool answered with a provisioning link: the person opens it and grants (by default only what the
 * calling tool needs, unticking the rest), in either mode. Bearer: the IdP's consent ends it.
 * App-password: the first time, the page continues with Nextcloud Login Flow v2 (the person signs in
 * to Nextcloud as `nextcloudUser`, default their own name, and grants; the page polls to the result);
 * once an account is connected, widening the scopes needs no new app password. Throws unless provisioned.
 */
export async function provisionThrough(stack: ProvisioningStack, result: CallToolResult, person: Person, options: { onlyNeeded?: boolean; nextcloudUser?: string } = {}): Promise<ProvisioningVisit> {
  const link = result.isError ? linkIn(textOf(result)) : undefined;
  if (!link) throw new Error(`expected a provisioning link, got: ${textOf(result)}`);
  const jar = createCookieJar();
  const visit = await openProvisioningLink(link, person, { jar, onlyNeeded: options.onlyNeeded ?? true });
  if (stack.mode === "app-password" && visit.outcome === undefined && connectStateOf(visit.resultPage ?? "") === "pending") {
    await answerNextcloudLogin(loginLinkIn(visit.resultPage!), options.nextcloudUser ?? person.username);
    const done = await browse(`${stack.app.url}/oauth/connect-nextcloud`, jar);
    visit.outcome = outcomeOf(done.html);
    visit.resultPage = done.html;
  }
  if (visit.outcome !== "provisioned") throw new Error(`provisioning ended in ${visit.outcome ?? "no outcome"} (${stack.mode})`);
  return visit;
}

/** The app's count of issued token exchanges (RFC 8693; /api/metrics, nextcloud_mcp_events_total). */
export async function exchangesIssued(stack: ProvisioningStack): Promise<number> {
  const res = await fetch(`${stack.app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/api/metrics answered HTTP ${res.status}`);
  const line = text.split("\n").find((l) => l.startsWith("nextcloud_mcp_events_total{") && l.includes('event="exchange_issued"') && l.includes('outcome="success"'));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

export interface NextcloudMark {
  exchanges: number;
  tokens: number;
  appPasswordUses: number;
}

/** Where the sandbox's logs and the exchange count stand now, for nextcloudSaw after the calls. */
export async function markNextcloud(stack: ProvisioningStack): Promise<NextcloudMark> {
  return { exchanges: await exchangesIssued(stack), tokens: stack.sandbox.seen.list().length, appPasswordUses: stack.sandbox.appPasswordUses.list().length };
}

/**
 * Asserts what Nextcloud (the sandbox) saw for the requests since `mark` that `where` selects, in the
 * stack's mode. Both: every such request was preceded by a token exchange (the count grew).
 * Bearer: the last one carried a down-scoped token for Nextcloud with exactly `scope`, naming this
 * server as actor (RFC 8693 §4.1), and no app password was used. App-password: the last one was Basic
 * with `user`'s app password, and no bearer token ever reached Nextcloud (the exchanged token was
 * checked here, lib/mcp/app-password-transport.ts, and kept).
 */
export async function nextcloudSaw(stack: ProvisioningStack, mark: NextcloudMark, where: (request: { method: string; path: string }) => boolean, expected: { scope: string[]; user: string }): Promise<void> {
  const tokens = stack.sandbox.seen.list().slice(mark.tokens);
  const uses = stack.sandbox.appPasswordUses.list().slice(mark.appPasswordUses);
  expect(await exchangesIssued(stack)).toBeGreaterThan(mark.exchanges);
  if (stack.mode === "bearer") {
    const seen = tokens.filter(where);
    expect(seen.length, "requests with a bearer token").toBeGreaterThan(0);
    expect(seen.at(-1)).toMatchObject({ outcome: "served", aud: "nextcloud", scope: expected.scope });
    expect(seen.at(-1)!.act).toMatchObject({ sub: expect.any(String) });
    expect(uses).toEqual([]);
  } else {
    const seen = uses.filter(where);
    expect(seen.length, "requests with an app password").toBeGreaterThan(0);
    expect(seen.at(-1)).toMatchObject({ loginName: expected.user });
    // Not one bearer token reached Nextcloud since the stack started.
    expect(stack.sandbox.seen.list()).toEqual([]);
  }
}
