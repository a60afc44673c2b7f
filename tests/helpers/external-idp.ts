/**
 * A standalone external identity provider for tests: oidc-provider in its own
 * process on 127.0.0.1, configured the way Keycloak serves an MCP server —
 * issuer under /realms/nextcloud, the MCP server's client id ("mcp-server") as
 * the access-token audience (requested with `resource` or Keycloak's
 * `audience` parameter), RS256 JWT access tokens with header typ "JWT",
 * `azp` instead of `client_id` and a `typ: "Bearer"` claim, open dynamic
 * client registration and client ID metadata documents. Sign-in and consent
 * are approved automatically (a test fixture, not a product): the account is
 * the authorization request's `login_hint`, else "alice".
 *
 * The parent keeps the private signing key, so attack tests can sign tokens
 * exactly as this IdP would, and then break one rule at a time.
 *
 * Parent: `startExternalIdp(...)`. Child: this file run with `serve`. stop()
 * (or the end of the test process) stops the child and everything it started.
 */
import { spawn } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SignJWT, type JWK, type JWTPayload } from "jose";
import { startApp, type AppServer } from "./app-server";
import { followAuthorization } from "./mcp-client";
import { freePort } from "./ports";
import { alive, killProcessesNow, processTree, stopProcesses } from "./process-tree.mjs";

export const REALM_PATH = "/realms/nextcloud";
export const MCP_AUDIENCE = "mcp-server";
export const NEXTCLOUD_RESOURCE = "http://nextcloud.test/";
export const TEST_CLIENT = { clientId: "test-client", redirectUri: "http://127.0.0.1/test-callback" };
export const MCP_RESOURCE_SCOPES = ["account.read", "notes.read", "notes.write", "files.read", "files.write", "files.share", "calendar.read", "calendar.write", "contacts.read", "contacts.write", "deck.read", "deck.write"];

interface ChildConfig {
  port: number;
  mcpResource: string;
  signingKey: JWK;
  mcpServerSecret: string;
  /** CIMD documents served for https client ids (no network in tests). */
  clientDocuments: Record<string, unknown>;
}

export interface ExternalIdp {
  issuer: string;
  port: number;
  signingKey: JWK;
  kid: string;
  mcpServerClient: { clientId: string; clientSecret: string; redirectUri: string };
  /** Signs a token with this IdP's key; header and claims are taken as given. */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** A token shaped like this IdP's MCP access tokens, with `overrides` applied. */
  accessToken(overrides?: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(THIS_FILE), "..", "..");

export async function startExternalIdp(options: { port: number; mcpResource: string; mcpServerSecret?: string; clientDocuments?: Record<string, unknown> }): Promise<ExternalIdp> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = `rsa-${randomBytes(4).toString("hex")}`;
  const signingKey = { ...(privateKey.export({ format: "jwk" }) as JWK), kid, alg: "RS256", use: "sig" };
  const config: ChildConfig = {
    port: options.port,
    mcpResource: options.mcpResource,
    signingKey,
    mcpServerSecret: options.mcpServerSecret ?? randomBytes(24).toString("base64url"),
    clientDocuments: options.clientDocuments ?? {},
  };
  const child = spawn(process.execPath, ["--import", "tsx", THIS_FILE, "serve"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NODE_ENV: "test", EXTERNAL_IDP_CONFIG: JSON.stringify(config) },
  });
  let out = "";
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.on("exit", () => {
      running = false;
      resolve();
    }),
  );
  // The child and what it started (tsx's esbuild service), remembered once it is up: they outlive a dead parent.
  let known: number[] = [];
  const tree = () => {
    const current = running ? processTree(child.pid!) : [];
    const orphans = known.filter((pid) => pid !== child.pid);
    return [...new Set([...current, ...orphans])].filter(alive);
  };
  const killNow = () => killProcessesNow(tree());
  // If the test process ends without stop() (a crash, a forgotten afterAll), take the IdP down with it.
  process.once("exit", killNow);
  const stop = async () => {
    process.off("exit", killNow);
    const pids = tree();
    if (pids.length > 0) await stopProcesses(pids, exited);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`external IdP did not start:\n${out}`)), 30_000);
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("READY")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => reject(new Error(`external IdP exited with ${code}:\n${out}`)));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  known = processTree(child.pid!);
  const issuer = `http://127.0.0.1:${options.port}${REALM_PATH}`;
  const sign = async (claims: JWTPayload, header: Record<string, unknown> = {}) => {
    const { importJWK } = await import("jose");
    const key = await importJWK(signingKey, "RS256");
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid, ...header } as { alg: string }).sign(key);
  };
  return {
    issuer,
    port: options.port,
    signingKey,
    kid,
    mcpServerClient: { clientId: MCP_AUDIENCE, clientSecret: config.mcpServerSecret, redirectUri: "http://127.0.0.1/mcp-server-callback" },
    sign,
    async accessToken(overrides = {}, header = {}) {
      const now = Math.floor(Date.now() / 1000);
      const claims: JWTPayload = {
        iss: issuer,
        aud: MCP_AUDIENCE,
        sub: "alice",
        azp: TEST_CLIENT.clientId,
        typ: "Bearer",
        scope: "openid",
        iat: now,
        exp: now + 600,
        jti: randomBytes(8).toString("hex"),
        ...overrides,
      };
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      return sign(claims, { typ: "JWT", ...header });
    },
    output: () => out,
    stop,
  };
}

/**
 * The app (production build) in external-IdP mode plus the IdP it trusts. The
 * app reads the IdP's metadata lazily, so it can start first and tell the IdP
 * its MCP URL (the resource the IdP maps to the "mcp-server" audience).
 */
export async function startAppWithExternalIdp(env: Record<string, string>, clientDocuments: Record<string, unknown> = {}): Promise<{ app: AppServer; idp: ExternalIdp; stop(): Promise<void> }> {
  const port = await freePort();
  const secret = randomBytes(24).toString("base64url");
  const app = await startApp({ OIDC_ISSUER: `http://127.0.0.1:${port}${REALM_PATH}`, OIDC_CLIENT_SECRET: secret, ...env });
  let idp: ExternalIdp;
  try {
    idp = await startExternalIdp({ port, mcpResource: `${app.url}/api/mcp`, mcpServerSecret: secret, clientDocuments });
  } catch (error) {
    await app.stop();
    throw error;
  }
  return {
    app,
    idp,
    async stop() {
      await Promise.all([app.stop(), idp.stop()]);
    },
  };
}

export interface TokenRequest {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  scope: string;
  resource?: string;
  audience?: string;
  loginHint?: string;
}

/** Runs authorization code + PKCE against the IdP directly (no MCP client) and returns the token response. */
export async function obtainTokens(issuer: string, request: TokenRequest): Promise<Record<string, string>> {
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; token_endpoint: string };
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(metadata.authorization_endpoint);
  const params: Record<string, string | undefined> = {
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: "code",
    scope: request.scope,
    state: randomBytes(8).toString("hex"),
    nonce: request.scope.split(" ").includes("openid") ? randomBytes(8).toString("hex") : undefined,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    resource: request.resource,
    audience: request.audience,
    login_hint: request.loginHint,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) authorize.searchParams.set(k, v);
  const result = await followAuthorization(authorize, request.redirectUri);
  if (!result.code) throw new Error(`authorization failed: ${result.error}`);
  const body = new URLSearchParams({ grant_type: "authorization_code", code: result.code, code_verifier: verifier, redirect_uri: request.redirectUri });
  if (request.resource) body.set("resource", request.resource);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (request.clientSecret) headers.authorization = `Basic ${Buffer.from(`${request.clientId}:${request.clientSecret}`).toString("base64")}`;
  else body.set("client_id", request.clientId);
  const response = await fetch(metadata.token_endpoint, { method: "POST", headers, body });
  const json = (await response.json()) as Record<string, string>;
  if (!response.ok) throw new Error(`token request failed: ${JSON.stringify(json)}`);
  return json;
}

// ── the child process ──────────────────────────────────────────────────────

async function serve(config: ChildConfig): Promise<void> {
  const http = await import("node:http");
  const { default: Provider, errors } = await import("oidc-provider");
  const issuer = `http://127.0.0.1:${config.port}${REALM_PATH}`;
  const resourceServer = (audience: string, scopes: string[]) => ({
    audience,
    scope: scopes.join(" "),
    accessTokenFormat: "jwt" as const,
    accessTokenTTL: 600,
    jwt: { sign: { alg: "RS256" as const } },
  });

  const provider = new Provider(issuer, {
    jwks: { keys: [config.signingKey as never] },
    cookies: { keys: [randomBytes(16).toString("hex")] },
    responseTypes: ["code"],
    scopes: ["openid", "profile", "email", "offline_access"],
    extraParams: ["audience"],
    // MCP clients register with the scope they are about to request (SDK: the challenge's
    // scope, i.e. tool scopes too). Keycloak's registration does not refuse scopes it only
    // knows as client scopes; oidc-provider would (OIDC scopes only), so drop `scope` here.
    extraClientMetadata: {
      properties: ["x_registration_scope"],
      validator(_ctx: unknown, key: string, _value: unknown, metadata: Record<string, unknown>) {
        if (key === "x_registration_scope") delete metadata.scope;
      },
    },
    pkce: { required: () => true },
    clientDefaults: { grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none", id_token_signed_response_alg: "RS256" },
    clients: [
      {
        client_id: MCP_AUDIENCE,
        client_secret: config.mcpServerSecret,
        token_endpoint_auth_method: "client_secret_basic",
        redirect_uris: ["http://127.0.0.1/mcp-server-callback"],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
      { client_id: TEST_CLIENT.clientId, token_endpoint_auth_method: "none", redirect_uris: [TEST_CLIENT.redirectUri], grant_types: ["authorization_code"], response_types: ["code"] },
    ],
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      clientIdMetadataDocument: { enabled: true, ack: "draft-02", allowFetch: async () => true, allowClient: async () => true },
      resourceIndicators: {
        enabled: true,
        // Keycloak style: `audience=mcp-server` instead of an RFC 8707 resource.
        defaultResource: async (ctx, _client, oneOf) => oneOf ?? (ctx.oidc.params?.audience === MCP_AUDIENCE ? config.mcpResource : undefined),
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource === config.mcpResource) return resourceServer(MCP_AUDIENCE, MCP_RESOURCE_SCOPES);
          if (resource === NEXTCLOUD_RESOURCE) return resourceServer("nextcloud", MCP_RESOURCE_SCOPES);
          throw new errors.InvalidTarget();
        },
      },
    },
    formats: {
      customizers: {
        // Keycloak's access token shape: header typ JWT, azp, typ "Bearer", OIDC scopes in `scope`.
        async jwt(ctx, token, jwt) {
          const grantId = "grantId" in token ? token.grantId : undefined;
          const grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
          const oidcScopes = grant?.getOIDCScope()?.split(" ").filter(Boolean) ?? [];
          const resourceScopes = String(jwt.payload.scope ?? "").split(" ").filter(Boolean);
          jwt.header = { typ: "JWT" };
          jwt.payload.azp = jwt.payload.client_id;
          delete jwt.payload.client_id;
          jwt.payload.typ = "Bearer";
          jwt.payload.scope = [...new Set([...oidcScopes, ...resourceScopes])].join(" ");
        },
      },
    },
    fetch: async (input: string | URL | Request) => {
      const doc = config.clientDocuments[input instanceof Request ? input.url : String(input)];
      if (!doc) return new Response("not found", { status: 404 });
      return new Response(JSON.stringify(doc), { status: 200, headers: { "content-type": "application/json", "cache-control": "max-age=60" } });
    },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, name: sub }) }),
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, RefreshToken: 3600 },
    renderError: async (ctx, out) => {
      ctx.type = "json";
      ctx.body = out;
    },
  });

  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    const url = req.url ?? "/";
    try {
      if (url === REALM_PATH || url.startsWith(`${REALM_PATH}/`)) {
        Object.assign(req, { originalUrl: url, baseUrl: REALM_PATH });
        req.url = url.slice(REALM_PATH.length) || "/";
        return callback(req, res);
      }
      if (url.startsWith("/interaction/")) {
        const details = await provider.interactionDetails(req, res);
        const { prompt, params, session, grantId } = details;
        if (prompt.name === "login") {
          const accountId = typeof params.login_hint === "string" && params.login_hint ? params.login_hint : "alice";
          return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
        }
        const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
        const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details as {
          missingOIDCScope?: string[];
          missingOIDCClaims?: string[];
          missingResourceScopes?: Record<string, string[]>;
        };
        if (missingOIDCScope) grant!.addOIDCScope(missingOIDCScope.join(" "));
        if (missingOIDCClaims) grant!.addOIDCClaims(missingOIDCClaims);
        for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant!.addResourceScope(indicator, scopes.join(" "));
        const saved = await grant!.save();
        return provider.interactionFinished(req, res, { consent: { grantId: saved } }, { mergeWithLastSubmission: true });
      }
      res.statusCode = 404;
      res.end("not found");
    } catch (error) {
      res.statusCode = 400;
      res.end(`interaction failed: ${(error as Error).message}`);
    }
  });
  server.listen(config.port, "127.0.0.1", () => console.log(`READY ${issuer}`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

if (process.argv[1] === THIS_FILE && process.argv[2] === "serve") {
  void serve(JSON.parse(process.env.EXTERNAL_IDP_CONFIG ?? "{}") as ChildConfig);
}
