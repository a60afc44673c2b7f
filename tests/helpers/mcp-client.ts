/**
 * The MCP SDK's own client as tests use it: `Client` + `StreamableHTTPClientTransport`
 * with an in-memory `OAuthClientProvider`. The SDK does discovery (RFC 9728,
 * RFC 8414), registration (DCR, or a client ID metadata document URL) and
 * PKCE itself; the test plays the user agent: it follows the authorization URL
 * through the IdP's sign-in and consent (cookie jar, manual redirects) up to
 * the redirect URI, then hands the code to `finishAuth`.
 */
import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { createCookieJar } from "./cookie-jar";

export interface AuthorizationResult {
  code?: string;
  error?: string;
  state?: string;
  /** RFC 9207 `iss` of the authorization response (SDK v2 clients check it). */
  iss?: string;
  hops: string[];
}

/** Plays the browser: follows redirects from `start` until the IdP sends it to `redirectUri`. */
export async function followAuthorization(start: URL, redirectUri: string, jar = createCookieJar(), maxHops = 12): Promise<AuthorizationResult> {
  let url = start;
  const hops: string[] = [];
  const target = new URL(redirectUri);
  for (let hop = 0; hop < maxHops; hop++) {
    if (url.origin === target.origin && url.pathname === target.pathname) {
      return { code: url.searchParams.get("code") ?? undefined, error: url.searchParams.get("error") ?? undefined, state: url.searchParams.get("state") ?? undefined, iss: url.searchParams.get("iss") ?? undefined, hops };
    }
    hops.push(`${url.origin}${url.pathname}`);
    const cookie = jar.header(url);
    const response = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
    jar.store(url, response.headers.getSetCookie());
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`authorization stopped at ${url.href} with HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
    await response.body?.cancel();
    url = new URL(location, url);
  }
  throw new Error(`authorization did not reach ${redirectUri} within ${maxHops} redirects (${hops.join(" → ")})`);
}

/** An in-memory OAuthClientProvider: what a real MCP client keeps in its settings. */
export class TestOAuthProvider implements OAuthClientProvider {
  readonly redirectUri: string;
  clientMetadataUrl?: string;
  loginHint?: string;
  /**
   * Replaces the `scope` of the next authorization request once (then cleared), like a client
   * whose user narrows what it asks for; the SDK's own choice stays in `requestedScopes`.
   */
  narrowNextRequest?: string;
  /** The `scope` the SDK chose for each authorization request, before any narrowing. */
  requestedScopes: string[] = [];
  lastAuthorizationUrl?: URL;
  authorizationRequests: URL[] = [];
  private info?: OAuthClientInformationMixed;
  private savedTokens?: OAuthTokens;
  private verifier = "";

  constructor(options: { redirectUri?: string; clientMetadataUrl?: string; loginHint?: string; clientName?: string } = {}) {
    this.redirectUri = options.redirectUri ?? `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/callback`;
    this.clientMetadataUrl = options.clientMetadataUrl;
    this.loginHint = options.loginHint;
    this.clientName = options.clientName ?? "nextcloud-mcp test client";
  }

  private readonly clientName: string;

  get redirectUrl(): string {
    return this.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.clientName,
      redirect_uris: [this.redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  state(): string {
    return randomBytes(12).toString("base64url");
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.info;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.info = info;
  }

  tokens(): OAuthTokens | undefined {
    return this.savedTokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.savedTokens = tokens;
  }

  redirectToAuthorization(url: URL): void {
    if (this.loginHint) url.searchParams.set("login_hint", this.loginHint);
    this.requestedScopes.push(url.searchParams.get("scope") ?? "");
    if (this.narrowNextRequest !== undefined) url.searchParams.set("scope", this.narrowNextRequest);
    this.narrowNextRequest = undefined;
    this.lastAuthorizationUrl = url;
    this.authorizationRequests.push(url);
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
    if (scope === "all" || scope === "client") this.info = undefined;
    if (scope === "all" || scope === "tokens") this.savedTokens = undefined;
  }
}

export function newTransport(mcpUrl: string, provider: TestOAuthProvider): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
}

/** Runs a client operation; when the SDK asks for (re-)authorization, signs in, finishes the flow and retries once. */
export async function withAuthorization<T>(transport: StreamableHTTPClientTransport, provider: TestOAuthProvider, operation: () => Promise<T>, jar = createCookieJar()): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || !provider.lastAuthorizationUrl) throw error;
    const started = provider.lastAuthorizationUrl;
    provider.lastAuthorizationUrl = undefined;
    const result = await followAuthorization(started, provider.redirectUri, jar);
    if (!result.code) throw new Error(`authorization failed: ${result.error ?? "no code"}`);
    await transport.finishAuth(result.code);
    return operation();
  }
}

/** Connects an SDK client to `mcpUrl`, signing in through the IdP when the server asks for it. */
export async function connectClient(mcpUrl: string, provider: TestOAuthProvider): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "nextcloud-mcp-tests", version: "1.0.0" });
  const first = newTransport(mcpUrl, provider);
  try {
    await client.connect(first);
    return { client, transport: first };
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || !provider.lastAuthorizationUrl) throw error;
  }
  const result = await followAuthorization(provider.lastAuthorizationUrl, provider.redirectUri);
  provider.lastAuthorizationUrl = undefined;
  if (!result.code) throw new Error(`authorization failed: ${result.error ?? "no code"}`);
  await first.finishAuth(result.code);
  const transport = newTransport(mcpUrl, provider);
  await client.connect(transport);
  return { client, transport };
}

export const LATEST_PROTOCOL = "2025-11-25";
/** MCP 2026-07-28: no initialize, no session; every request carries the `_meta` envelope. */
export const MODERN_PROTOCOL = "2026-07-28";
export type ProtocolVersion = typeof LATEST_PROTOCOL | typeof MODERN_PROTOCOL;
/** Both protocol versions this server speaks, for suites that run once per version. */
export const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = [LATEST_PROTOCOL, MODERN_PROTOCOL];

export { ModernClient, ModernTransport };

/**
 * The SDK v2 client pinned to MCP 2026-07-28 (no fallback to initialize). URL-mode elicitation, when
 * `onUrl` is given, is declared in every request's envelope and answered by `onUrl` (the person opening
 * the link), after which the SDK retries the call with `inputResponses` and the echoed `requestState`.
 */
export function newModernClient(options: { onUrl?: (url: string, message: string) => Promise<"accept" | "decline" | "cancel"> } = {}): ModernClient {
  const client = new ModernClient(
    { name: "nextcloud-mcp-tests-2026", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } }, capabilities: options.onUrl ? { elicitation: { url: {} } } : {} },
  );
  const onUrl = options.onUrl;
  if (onUrl) {
    client.setRequestHandler("elicitation/create", async (request) => {
      const params = request.params as { mode?: string; url?: string; message: string };
      if (params.mode !== "url" || !params.url) return { action: "decline" as const };
      return { action: await onUrl(params.url, params.message) };
    });
  }
  return client;
}

export function newModernTransport(mcpUrl: string, provider: TestOAuthProvider): ModernTransport {
  return new ModernTransport(new URL(mcpUrl), { authProvider: provider });
}

/** Connects the v2 client (2026-07-28) to `mcpUrl`, signing in through the IdP when the server asks for it. */
export async function connectModernClient(mcpUrl: string, provider: TestOAuthProvider, client = newModernClient()): Promise<{ client: ModernClient; transport: ModernTransport }> {
  const first = newModernTransport(mcpUrl, provider);
  try {
    await client.connect(first);
    return { client, transport: first };
  } catch (error) {
    if (!provider.lastAuthorizationUrl) throw error;
  }
  const result = await followAuthorization(provider.lastAuthorizationUrl, provider.redirectUri);
  provider.lastAuthorizationUrl = undefined;
  if (!result.code) throw new Error(`authorization failed: ${result.error ?? "no code"}`);
  await first.finishAuth(result.code, result.iss);
  const transport = newModernTransport(mcpUrl, provider);
  await client.connect(transport);
  return { client, transport };
}

/** The per-request `_meta` envelope of MCP 2026-07-28. */
export function modernEnvelope(capabilities: Record<string, unknown> = {}, protocolVersion: string = MODERN_PROTOCOL): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": protocolVersion,
    "io.modelcontextprotocol/clientInfo": { name: "raw-test", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": capabilities,
  };
}

/** A JSON-RPC request as a client of `version` sends it (2026-07-28: with the envelope in `params._meta`). */
export function rpcAs(version: ProtocolVersion, method: string, params?: Record<string, unknown>, id: number | string = 1): Record<string, unknown> {
  if (version !== MODERN_PROTOCOL) return rpc(method, params, id);
  const meta = (params?._meta as Record<string, unknown> | undefined) ?? {};
  return rpc(method, { ...params, _meta: { ...modernEnvelope(), ...meta } }, id);
}

/** The standard headers of a request (MCP-Protocol-Version; on 2026-07-28 also Mcp-Method and Mcp-Name). */
export function standardHeaders(body: unknown, version: ProtocolVersion = LATEST_PROTOCOL): Record<string, string> {
  const headers: Record<string, string> = { "mcp-protocol-version": version };
  if (version !== MODERN_PROTOCOL || typeof body !== "object" || body === null || Array.isArray(body)) return headers;
  const { method, params } = body as { method?: unknown; params?: { name?: unknown; uri?: unknown } };
  if (typeof method === "string") headers["mcp-method"] = method;
  const name = params?.name ?? params?.uri;
  if (typeof name === "string") headers["mcp-name"] = name;
  return headers;
}

/** A JSON-RPC request body. */
export function rpc(method: string, params?: Record<string, unknown>, id: number | string = 1): Record<string, unknown> {
  return { jsonrpc: "2.0", id, method, ...(params ? { params } : {}) };
}

export function initializeRequest(protocolVersion = LATEST_PROTOCOL, id: number | string = 1): Record<string, unknown> {
  return rpc("initialize", { protocolVersion, capabilities: {}, clientInfo: { name: "raw-test", version: "1" } }, id);
}

/** A raw POST to the MCP endpoint, as a hand-written (or hostile) client would send it. */
export async function postMcp(
  url: string,
  body: unknown,
  options: { token?: string; headers?: Record<string, string>; rawBody?: string; version?: ProtocolVersion } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...standardHeaders(body, options.version),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  return fetch(url, { method: "POST", headers, body: options.rawBody ?? JSON.stringify(body) });
}
