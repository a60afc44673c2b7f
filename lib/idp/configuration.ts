/**
 * oidc-provider configuration of the built-in IdP. Profile: authorization
 * code + PKCE S256 only (OAuth 2.1), JWT access tokens per resource (RFC 8707,
 * RFC 9068), refresh tokens only with offline_access, rotated; revocation
 * (RFC 7009), introspection (RFC 7662), RP-initiated logout, dynamic
 * registration (RFC 7591) and Client ID Metadata Documents under the client
 * policy; everything persisted through the Prisma adapter.
 */
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from "oidc-provider";
import { errors } from "oidc-provider";
import { checkClient, recordClient } from "@/lib/auth/client-registry";
import { OIDC_SCOPES } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { findAccountClaims } from "./account-claims";
import { ClientMetadataError, enforceClientMetadata, POLICY_PROPERTY, TOKEN_EXCHANGE_GRANT } from "./client-metadata-policy";
import { checkRefreshResource } from "./check-refresh-resource";
import { firstPartyConsentPolicy, withProvisioningConsent } from "./first-party-consent";
import { createGuardedFetch } from "./guarded-fetch";
import type { PrivateJwk } from "./keys";
import { errorPage, logoutPage, logoutSuccessPage } from "./pages";
import { ClientAdapter } from "./client-adapter";
import { findGrantIds, PrismaAdapter } from "./prisma-adapter";
import { reopenDeclined, type GrantWithRejections } from "./declined-scopes";
import { describeResource, mcpResourceIndicator } from "./resources";

export const CIMD_BODY_LIMIT = 5 * 1024;
const DAY = 86_400;

export interface ConfigurationInput {
  signingKeys: PrivateJwk[];
  algorithms: { mcp: string; nextcloud: string };
  cookieKeys: string[];
  staticClients: ClientMetadata[];
}

type Claims = Record<string, unknown>;

export function buildConfiguration(input: ConfigurationInput): Configuration {
  const config = getConfig();
  const staticIds = new Set(input.staticClients.map((c) => c.client_id));
  const openPolicy = config.MCP_CLIENT_POLICY === "open";
  // Each interaction prompt stays as oidc-provider defines it, except that the
  // provisioning page counts as the consent of this server's own client
  // (first-party-consent.ts). Native clients (loopback or private-use
  // redirects) are asked for consent on every authorization: anyone can claim
  // such a redirect URI (RFC 8252 §8.6).
  const policy = firstPartyConsentPolicy();

  return {
    // Every model in the database; clients through ClientAdapter, which also serves the
    // operator's clients and applies the client registry to every lookup (client-adapter.ts).
    adapter: (model: string) => (model === "Client" ? new ClientAdapter(input.staticClients) : new PrismaAdapter(model)),
    jwks: { keys: input.signingKeys as never },
    cookies: {
      keys: input.cookieKeys,
      long: { httpOnly: true, sameSite: "lax", signed: true },
      short: { httpOnly: true, sameSite: "lax", signed: true },
    },
    responseTypes: ["code"],
    // RFC 7591 token_endpoint_auth_method values we accept (client-metadata-policy.ts).
    clientAuthMethods: ["none", "client_secret_basic", "client_secret_post"],
    scopes: [...OIDC_SCOPES],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email", "email_verified"] },
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      id_token_signed_response_alg: input.algorithms.mcp as "ES256",
    },
    // OAuth 2.1 §4.1.1: PKCE for every client; oidc-provider implements S256 only.
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    // Always rotate (OAuth 2.1 §4.3.1); the hook is called right before the presented
    // token is consumed, so a bad `resource` is refused while it is still valid.
    rotateRefreshToken: (ctx: KoaContextWithOIDC) => {
      checkRefreshResource(ctx as never);
      return true;
    },
    // This server's own client keeps one grant per person (dashboard sign-in and Flow 2
    // provisioning share it): an IdP logout must not revoke it, or signing out of the
    // dashboard would silently drop the stored Nextcloud access. Others: the default.
    expiresWithSession: async (_ctx: unknown, code: { clientId?: string; scopes: Set<string> }) =>
      code.clientId !== config.OIDC_CLIENT_ID && !code.scopes.has("offline_access"),
    clockTolerance: 5,
    extraClientMetadata: {
      properties: [POLICY_PROPERTY],
      validator(ctx: KoaContextWithOIDC | undefined, key: string, _value: unknown, metadata: ClientMetadata) {
        if (key !== POLICY_PROPERTY) return;
        delete metadata[POLICY_PROPERTY];
        // RFC 7591 registration and update requests: what the client sent, before oidc-provider's defaults.
        const route = ctx?.oidc?.route;
        const registrationRequest = route === "registration" || route === "client_update" ? (ctx!.oidc.body as Record<string, unknown> | undefined) : undefined;
        try {
          enforceClientMetadata(metadata, { strict: !staticIds.has(metadata.client_id), internalClientId: config.OIDC_CLIENT_ID, registrationRequest });
        } catch (error) {
          // The "redirect_uris" prefix makes oidc-provider answer invalid_redirect_uri (RFC 7591 §3.2.2).
          if (error instanceof ClientMetadataError) throw new errors.InvalidClientMetadata(error.message);
          throw error;
        }
      },
    },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // RFC 7662 §2.1: a client may introspect its own tokens; this server's client any token.
        allowedPolicy: async (_ctx: KoaContextWithOIDC, caller: { clientId: string }, token: { clientId?: string }) =>
          caller.clientId === config.OIDC_CLIENT_ID || caller.clientId === token.clientId,
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = "html";
          ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = "html";
          ctx.body = logoutSuccessPage();
        },
      },
      registration: {
        enabled: config.ENABLE_DCR && openPolicy,
        initialAccessToken: false,
        issueRegistrationAccessToken: true,
      },
      clientIdMetadataDocument: {
        enabled: config.ENABLE_CIMD && openPolicy,
        ack: "draft-02",
        allowFetch: async () => true,
        // Called for every use of a CIMD client: record it (so an admin can
        // disable it) and refuse a disabled one.
        allowClient: async (_ctx: unknown, client: { clientId: string; clientName?: string; redirectUris?: string[] }) => {
          await recordClient({ clientId: client.clientId, kind: "cimd", name: client.clientName ?? client.clientId, redirectUris: client.redirectUris ?? [] });
          return (await checkClient(client.clientId)).allowed;
        },
        cacheDuration: { min: 60, max: 3_600 },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => {
          const mcp = mcpResourceIndicator();
          if (!oneOf) return mcp;
          return oneOf.includes(mcp) ? mcp : oneOf[0]!;
        },
        // Without this, a request with `openid` and no `resource` at /token yields an
        // opaque userinfo token instead of the MCP JWT (memo §3.1).
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, indicator: string, client: { clientId: string }) => {
          const description = describeResource(indicator, client.clientId);
          if (!description) throw new errors.InvalidTarget("this client may not request tokens for that resource");
          const alg = description.kind === "mcp" ? input.algorithms.mcp : input.algorithms.nextcloud;
          return {
            scope: description.scope,
            audience: description.audience,
            accessTokenTTL: description.accessTokenTTL,
            accessTokenFormat: description.accessTokenFormat,
            jwt: { sign: { alg: alg as "ES256" } },
          };
        },
      },
    },
    extraTokenClaims: async (ctx: KoaContextWithOIDC | undefined, token: { grantId?: string; gty?: string }) => {
      const actor = (ctx?.oidc as unknown as Claims | undefined)?.tokenExchangeActor;
      // The account's name and email, where the person's grant allows them (grants/token-exchange.ts, rule 7).
      const identity = (ctx?.oidc as unknown as Claims | undefined)?.tokenExchangeIdentity as Claims | undefined;
      return {
        ...(token.gty === TOKEN_EXCHANGE_GRANT && identity ? identity : {}),
        // Lets the token exchange check that the grant still exists (revocation-aware JWTs).
        ...(token.grantId ? { gid: token.grantId } : {}),
        ...(token.gty === TOKEN_EXCHANGE_GRANT && actor ? { act: actor } : {}),
      };
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      const claims = await findAccountClaims(sub);
      if (!claims) return undefined;
      return { accountId: claims.sub, claims: async () => ({ ...claims }) };
    },
    // Grants are found by account and client through our own index, so a
    // second sign-in (another browser) is not asked for consent it already gave.
    // A provisioning-page consent adds its scopes here (first-party-consent.ts).
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const client = ctx.oidc.client;
      const session = ctx.oidc.session;
      if (!client || !session?.accountId) return undefined;
      const result = ctx.oidc.result as { consent?: { grantId?: string } } | undefined;
      const id = result?.consent?.grantId || session.grantIdFor(client.clientId) || (await findGrantIds(session.accountId, client.clientId))[0];
      const grant = id ? await ctx.oidc.provider.Grant.find(id) : undefined;
      const existing = grant && grant.accountId === session.accountId && grant.clientId === client.clientId ? grant : undefined;
      // A new request (not the resume after consent) may ask again for what the person once declined (lib/idp/declined-scopes.ts).
      if (existing && !result?.consent) reopenDeclined(existing as GrantWithRejections, (ctx.oidc as unknown as { requestParamScopes: Set<string> }).requestParamScopes);
      return withProvisioningConsent(ctx, existing);
    },
    interactions: {
      policy,
      url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    ttl: {
      AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? config.ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: 3_600,
      Interaction: 30 * 60,
      Session: 14 * DAY,
      RefreshToken: config.REFRESH_TOKEN_TTL,
      // A refresh fails once its grant expired: keep the grant at least as long.
      Grant: Math.max(config.REFRESH_TOKEN_TTL, 180 * DAY),
      ClientCredentials: 600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
    renderError: async (ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }) => {
      ctx.type = "html";
      ctx.body = errorPage(out);
    },
    fetch: createGuardedFetch({ allowLoopback: config.TEST_CIMD_ALLOW_LOOPBACK, timeoutMs: config.TEST_CIMD_FETCH_TIMEOUT_MS }) as never,
    fetchResponseBodyLimits: { "client_id metadata document": CIMD_BODY_LIMIT } as never,
  } as unknown as Configuration;
}
