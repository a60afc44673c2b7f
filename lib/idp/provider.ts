/**
 * The built-in IdP: one oidc-provider instance per process, kept on
 * globalThis (Next.js may evaluate this module in several bundles). Creating
 * it loads (or generates, once) keys and the internal client's secret, so it
 * is asynchronous; `getProvider()` shares the one pending creation.
 */
import Provider, { type ClientMetadata, type KoaContextWithOIDC } from "oidc-provider";
import { recordClient } from "@/lib/auth/client-registry";
import { forgetGrant } from "@/lib/auth/grant-liveness";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { setInProcessIdpTransport } from "@/lib/oidc/idp-client";
import { forgetProcessWide, peekProcessWide, processWide, processWideAsync } from "@/lib/process-wide";
import { TOKEN_EXCHANGE_GRANT } from "./client-metadata-policy";
import { buildConfiguration } from "./configuration";
import { callProvider } from "./in-process-transport";
import { TOKEN_EXCHANGE_DUPLICATES, TOKEN_EXCHANGE_PARAMETERS, tokenExchangeHandler } from "./grants/token-exchange";
import { loadCookieKeys, loadSigningKeys, publicJwks, signingAlgorithms } from "./keys";
import { purgeExpiredPayloads } from "./prisma-adapter";
import { activationPassed, KEY_RECHECK_MS, signingKeysDigest, type KeyWatch } from "./signing-key-watch";
import { internalClientMetadata, internalClientSecret, preregisteredClientMetadata, recordStaticClients } from "./static-clients";

export const PURGE_INTERVAL_MS = 10 * 60_000;

export class IdpDisabledError extends Error {
  constructor() {
    super("The built-in identity provider is not served: OIDC_ISSUER names an external one.");
    this.name = "IdpDisabledError";
  }
}

type KoaContext = Parameters<Parameters<Provider["use"]>[0]>[0];

const IDP = "idp";
/** Per provider creation: its signing-key watch (signing-key-watch.ts), set once its keys are loaded. */
interface Creation {
  watch?: KeyWatch;
}
const creations = () => processWide("idp-creations", () => new WeakMap<Promise<Provider>, Creation>());
const watchOf = (provider: Promise<Provider> | undefined) => (provider ? creations().get(provider)?.watch : undefined);

/** OIDC Core §11: offline_access needs an explicit consent prompt, or oidc-provider drops it silently. */
function requireConsentForOfflineAccess(ctx: KoaContext): void {
  if (ctx.method !== "GET" || ctx.path !== "/auth") return;
  const query = new URLSearchParams(ctx.querystring);
  const scopes = (query.get("scope") ?? "").split(" ");
  const prompts = (query.get("prompt") ?? "").split(" ").filter(Boolean);
  if (!scopes.includes("offline_access") || prompts.includes("consent") || prompts.includes("none")) return;
  query.set("prompt", [...prompts, "consent"].join(" "));
  ctx.querystring = query.toString();
}

/** Browser-based MCP clients register from a web page; /reg has no CORS of its own (RFC 7591 needs no cookies). */
function allowRegistrationFromBrowsers(ctx: KoaContext): boolean {
  if (!ctx.path.startsWith("/reg") || !ctx.get("origin")) return false;
  ctx.set("Access-Control-Allow-Origin", "*");
  ctx.set("Access-Control-Expose-Headers", "WWW-Authenticate");
  if (ctx.method !== "OPTIONS") return false;
  ctx.set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
  ctx.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  ctx.set("Access-Control-Max-Age", "600");
  ctx.status = 204;
  return true;
}

async function createProvider(creation: Creation): Promise<Provider> {
  const config = getConfig();
  if (!config.BUILTIN_IDP) throw new IdpDisabledError();
  const digest = await signingKeysDigest();
  const [signing, cookieKeys, secret] = await Promise.all([loadSigningKeys(), loadCookieKeys(), internalClientSecret()]);
  creation.watch = { digest, rebuildAt: signing.nextChangeAt, checkedAt: Date.now() };
  const algorithms = signingAlgorithms(signing.keys);
  const staticClients: ClientMetadata[] = [internalClientMetadata(secret), ...preregisteredClientMetadata()];

  const provider = new Provider(config.ISSUER, buildConfiguration({ signingKeys: signing.keys, algorithms, cookieKeys, staticClients }));
  provider.proxy = config.TRUST_PROXY;
  // Before any client is loaded: static clients listing this grant are validated lazily against it.
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    tokenExchangeHandler({ publicJwks: publicJwks(signing.keys) as never, algorithms }) as never,
    TOKEN_EXCHANGE_PARAMETERS,
    TOKEN_EXCHANGE_DUPLICATES,
  );

  provider.use(async (ctx, next) => {
    if (allowRegistrationFromBrowsers(ctx)) return;
    requireConsentForOfflineAccess(ctx);
    await next();
    // RFC 7591 §3.2.1: a client was just registered; record it before the response leaves.
    if (ctx.method === "POST" && ctx.path === "/reg" && ctx.status === 201) {
      const body = ctx.body as { client_id: string; client_name?: string; redirect_uris?: string[] };
      await recordClient({ clientId: body.client_id, kind: "dynamic", name: body.client_name ?? body.client_id, redirectUris: body.redirect_uris ?? [] });
    }
  });

  // Only what is safe to log: route, client id, error codes and descriptions (never params, tokens or cookies).
  provider.on("server_error", (ctx: KoaContextWithOIDC, error: Error) => {
    log.error("identity provider error", { route: ctx?.oidc?.route, clientId: ctx?.oidc?.client?.clientId, reason: error.message });
  });
  provider.on("grant.revoked", (_ctx: unknown, grantId: string) => log.info("grant revoked", { grantId }));
  // A grant changed here (consent, step-up, narrowing, revocation): the MCP verifier's cached view of it goes.
  provider.on("grant.saved", (grant: { jti: string }) => forgetGrant(grant.jti));
  provider.on("grant.destroyed", (grant: { jti: string }) => forgetGrant(grant.jti));

  await recordStaticClients(staticClients);
  startPurging();
  log.info(`built-in identity provider ready at ${config.ISSUER}`, { kids: signing.keys.map((k) => k.kid), from: signing.source });
  return provider;
}

/** Once per process, whatever the number of provider instances (key rotations build new ones). */
function startPurging(): void {
  processWide("idp-purge", () => {
    const purge = () =>
      purgeExpiredPayloads().then(
        (count) => count > 0 && log.debug("purged expired identity provider rows", { count }),
        (error: unknown) => log.warn("could not purge expired identity provider rows", { reason: error instanceof Error ? error.message : String(error) }),
      );
    void purge();
    const timer = setInterval(() => void purge(), PURGE_INTERVAL_MS);
    timer.unref();
    return timer;
  });
}

// This server's own OAuth client (lib/oidc/idp-client.ts) hands its requests to this provider in-process:
// registered when this module loads, and again by every getProvider(), since the registration is
// process-wide state and may have been forgotten since (test files sharing a worker reset it between files).
const inProcessTransport = async (request: Request, providerPath: string) => callProvider(await getProvider(), request, providerPath);
setInProcessIdpTransport(inProcessTransport);

/**
 * The process's provider; a failed creation is retried on the next call. It is
 * built again when a staged signing key's activation time passed, or when the
 * stored key set changed (a rotation or retirement by the CLI; checked in the
 * background at most every KEY_RECHECK_MS), so rotation needs no restart.
 */
export function getProvider(): Promise<Provider> {
  setInProcessIdpTransport(inProcessTransport);
  const current = peekProcessWide<Promise<Provider>>(IDP);
  const watch = watchOf(current);
  if (watch && activationPassed(watch)) void forgetProcessWide(IDP, current);
  else if (watch && Date.now() - watch.checkedAt >= KEY_RECHECK_MS) {
    watch.checkedAt = Date.now();
    void signingKeysDigest().then(
      (digest) => {
        if (digest !== watch.digest) void forgetProcessWide(IDP, current);
      },
      (error: unknown) => log.warn("could not check the stored signing keys", { reason: error instanceof Error ? error.message : String(error) }),
    );
  }
  const creation: Creation = {};
  let started = false;
  const provider = processWideAsync(IDP, () => {
    started = true;
    return createProvider(creation);
  });
  if (started) creations().set(provider, creation);
  return provider;
}

/**
 * Checks the stored signing keys now rather than within KEY_RECHECK_MS, and
 * drops the provider when they changed: for a rotation made in this process
 * (tests, an admin tool calling lib/idp/rotate-signing-keys.ts directly).
 */
export async function checkSigningKeysNow(): Promise<void> {
  const current = peekProcessWide<Promise<Provider>>(IDP);
  const watch = watchOf(current);
  if (!watch) return;
  const digest = await signingKeysDigest();
  if (digest !== watch.digest) void forgetProcessWide(IDP, current);
}
