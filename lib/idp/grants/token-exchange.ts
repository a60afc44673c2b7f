/**
 * RFC 8693 token exchange: this server (OIDC_CLIENT_ID, confidential) trades
 * a user's MCP access token for a short-lived, down-scoped Nextcloud token at
 * the moment of a tool call.
 *
 * Rules, in order:
 * 1. Only the internal client (client authentication already happened; other
 *    clients cannot even hold this grant type: client-metadata-policy.ts).
 * 2. subject_token_type access_token (§2.1); no actor_token (delegation is
 *    expressed by `act`, not by a second token); requested_token_type, if
 *    given, access_token.
 * 3. The target (§2.1 `audience` / RFC 8707 `resource`) is Nextcloud, nothing else.
 * 4. The subject token is a JWT access token of this IdP: signature against our
 *    own keys, iss, aud = the MCP resource, typ at+jwt, not expired; its grant
 *    (`gid`) still exists (revocation-aware) and its client is not disabled.
 * 5. scope ⊆ subject scope (as the subject's grant still holds it: narrowing
 *    on the dashboard applies to tokens issued before) ∩ the user's consented Nextcloud grant to this
 *    server (Flow 2; in hybrid mode also the subject's own grant). No grant →
 *    invalid_grant naming provisioning; missing scopes → invalid_scope.
 * 6. Lifetime ≤ EXCHANGE_TOKEN_TTL and never past the subject's exp; `act`
 *    names this server (§4.1); no refresh token; issued_token_type (§2.2.1).
 * 7. Identity Nextcloud can use: the claims Nextcloud's user_oidc maps an
 *    account from — `preferred_username` and `name` when a grant that gave
 *    the Nextcloud scopes also holds the OIDC scope `profile`, `email` when it
 *    holds `email` (OIDC Core §5.4 scope → claims). Flow 2 provisioning always
 *    asks for both and its page says so; in hybrid mode it is whatever the
 *    client's consent granted. Nothing else of the account is copied.
 */
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { AdapterPayload, Grant, JWKS, Provider, TokenEndpointGrantContext } from "oidc-provider";
import { errors } from "oidc-provider";
import { checkClient } from "@/lib/auth/client-registry";
import { formatScope, parseScope, resourceScopes } from "@/lib/auth/scopes";
import { getConfig } from "@/lib/config";
import { findAccountClaims } from "../account-claims";
import { findGrantPayloadsForExchange, type GrantLookup } from "../prisma-adapter";
import { mcpResourceIndicator, nextcloudResourceIndicator } from "../resources";
import { TOKEN_EXCHANGE_GRANT } from "../client-metadata-policy";

export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
export const TOKEN_EXCHANGE_PARAMETERS = ["subject_token", "subject_token_type", "actor_token", "actor_token_type", "requested_token_type", "audience", "resource", "scope"];
export const TOKEN_EXCHANGE_DUPLICATES = ["audience", "resource"];

/** invalid_grant whose description reaches the client (oidc-provider's own hides it in error_detail). */
class ExchangeRefused extends errors.InvalidGrant {
  constructor(description: string) {
    super(description);
    this.error_description = description;
  }
}

type Params = {
  subject_token?: string;
  subject_token_type?: string;
  actor_token?: string;
  requested_token_type?: string;
  audience?: string | string[];
  resource?: string | string[];
  scope?: string;
};

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export interface ExchangeKeys {
  publicJwks: JWKS;
  algorithms: { mcp: string; nextcloud: string; all: string[] };
}

type LocalKeys = ReturnType<typeof createLocalJWKSet>;

async function verifySubject(token: string, issuer: string, jwks: LocalKeys, keys: ExchangeKeys): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer,
      audience: getConfig().MCP_AUDIENCE,
      typ: "at+jwt",
      algorithms: keys.algorithms.all,
    });
    return payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new ExchangeRefused("subject_token is expired");
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") {
      throw new ExchangeRefused("subject_token is not an access token for the MCP resource");
    }
    throw new ExchangeRefused("subject_token is not a valid access token issued by this server");
  }
}

/** A Grant from its stored payload, as `Grant.find` builds it; expired or malformed → undefined (fail closed). */
function grantOf(provider: Provider, payload: AdapterPayload | undefined): Grant | undefined {
  if (!payload || (typeof payload.exp === "number" && payload.exp <= Date.now() / 1000)) return undefined;
  try {
    return new provider.Grant(payload as ConstructorParameters<Provider["Grant"]>[0]);
  } catch {
    return undefined;
  }
}

/** The Nextcloud scopes the user has consented to give this server (and, in hybrid mode, the subject's client). */
function consentedNextcloudScopes(provider: Provider, lookup: GrantLookup, accountId: string, subjectGrantId: string): { scopes: Set<string>; grantId?: string; oidcScopes: Set<string> } {
  const config = getConfig();
  const indicator = nextcloudResourceIndicator();
  const scopes = new Set<string>();
  const oidcScopes = new Set<string>();
  let grantId: string | undefined;
  const candidates = [...lookup.ofClient];
  if (!config.ENABLE_PROGRESSIVE_CONSENT) candidates.push(subjectGrantId);
  for (const id of candidates) {
    const grant = grantOf(provider, lookup.byId.get(id));
    if (!grant || grant.accountId !== accountId) continue;
    const granted = parseScope(grant.getResourceScope(indicator));
    if (granted.length === 0) continue;
    grantId ??= id;
    for (const s of granted) scopes.add(s);
    for (const s of parseScope(grant.getOIDCScope())) oidcScopes.add(s);
  }
  return { scopes, grantId, oidcScopes };
}

const IDENTITY_CLAIMS: Record<string, readonly string[]> = { profile: ["preferred_username", "name"], email: ["email"] };

/** The account's identity claims the consented OIDC scopes allow (rule 7). */
async function identityClaims(accountId: string, oidcScopes: Set<string>): Promise<Record<string, string>> {
  const names = [...oidcScopes].flatMap((s) => IDENTITY_CLAIMS[s] ?? []);
  if (names.length === 0) return {};
  const claims = (await findAccountClaims(accountId)) as Record<string, unknown> | undefined;
  if (!claims) return {};
  return Object.fromEntries(names.flatMap((n) => (typeof claims[n] === "string" && claims[n] !== "" ? [[n, claims[n] as string]] : [])));
}

export function tokenExchangeHandler(keys: ExchangeKeys) {
  // Built once: the key set keeps its imported keys, so the subject's signature check does not re-import the JWK on every exchange.
  const jwks = createLocalJWKSet(keys.publicJwks as Parameters<typeof createLocalJWKSet>[0]);
  return async function tokenExchange(ctx: TokenEndpointGrantContext<Params>): Promise<void> {
    const config = getConfig();
    const { client, params, provider } = ctx.oidc;

    if (client.clientId !== config.OIDC_CLIENT_ID) throw new errors.UnauthorizedClient("token exchange is reserved for this server's own client");
    if (!params.subject_token) throw new errors.InvalidRequest("missing required parameter 'subject_token'");
    if (params.subject_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    if (params.actor_token) throw new errors.InvalidRequest("actor_token is not supported");
    if (params.requested_token_type && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }

    const audiences = list(params.audience);
    const resources = list(params.resource);
    if (audiences.length + resources.length === 0) throw new errors.InvalidTarget("audience or resource must name Nextcloud");
    const nextcloud = nextcloudResourceIndicator();
    if (audiences.some((a) => a !== config.NEXTCLOUD_AUDIENCE) || resources.some((r) => r !== nextcloud && r !== config.NEXTCLOUD_AUDIENCE)) {
      throw new errors.InvalidTarget("tokens can only be exchanged for the Nextcloud resource");
    }

    const subject = await verifySubject(params.subject_token, provider.issuer, jwks, keys);
    const accountId = typeof subject.sub === "string" ? subject.sub : "";
    const gid = typeof subject.gid === "string" ? subject.gid : "";
    const subjectClient = typeof subject.client_id === "string" ? subject.client_id : "";
    if (!accountId || !gid || !subjectClient) throw new ExchangeRefused("subject_token lacks sub, client_id or grant");
    // The subject's grant and this server's grants for the user, in one query (cached on PGlite only: see there).
    const grants = await findGrantPayloadsForExchange({ ids: [gid], accountId, clientId: config.OIDC_CLIENT_ID });
    const subjectGrant = grantOf(provider, grants.byId.get(gid));
    if (!subjectGrant || subjectGrant.accountId !== accountId) throw new ExchangeRefused("the grant behind subject_token was revoked");
    const check = await checkClient(subjectClient);
    if (!check.allowed) throw new ExchangeRefused("the client of subject_token is not allowed");

    const nextcloudScopes = new Set(resourceScopes("nextcloud"));
    // The subject's scopes as its grant holds them now: a client the person narrowed on the
    // dashboard gets no exchange for a removed scope, even with a token issued before.
    const stillGranted = new Set(parseScope(subjectGrant.getResourceScope(mcpResourceIndicator())));
    const subjectScopes = new Set(parseScope(typeof subject.scope === "string" ? subject.scope : "").filter((s) => stillGranted.has(s)));
    const requested = params.scope !== undefined ? parseScope(params.scope) : [...subjectScopes].filter((s) => nextcloudScopes.has(s));
    if (requested.length === 0) throw new errors.InvalidScope("no Nextcloud scope requested", params.scope ?? "");
    const foreign = requested.filter((s) => !nextcloudScopes.has(s));
    if (foreign.length > 0) throw new errors.InvalidScope("scope contains values that are not Nextcloud scopes", formatScope(foreign));
    const beyondSubject = requested.filter((s) => !subjectScopes.has(s));
    if (beyondSubject.length > 0) throw new errors.InvalidScope("scope exceeds the scope of subject_token", formatScope(beyondSubject));

    const consented = consentedNextcloudScopes(provider, grants, accountId, gid);
    if (!consented.grantId) {
      throw new ExchangeRefused("no Nextcloud access has been provisioned for this user: complete provisioning (provision_nextcloud_access) first");
    }
    const notConsented = requested.filter((s) => !consented.scopes.has(s));
    if (notConsented.length > 0) {
      throw new errors.InvalidScope(`Nextcloud access for ${formatScope(notConsented)} has not been provisioned: extend provisioning first`, formatScope(notConsented));
    }

    const now = Math.floor(Date.now() / 1000);
    const remaining = (subject.exp ?? now) - now;
    const lifetime = Math.min(config.EXCHANGE_TOKEN_TTL, remaining);
    if (lifetime <= 0) throw new ExchangeRefused("subject_token is expired");

    const scope = formatScope(requested);
    const token = new provider.AccessToken({ accountId, client, gty: TOKEN_EXCHANGE_GRANT, scope, expiresIn: lifetime, grantId: consented.grantId });
    token.resourceServer = new provider.ResourceServer(nextcloud, {
      scope,
      audience: config.NEXTCLOUD_AUDIENCE,
      accessTokenFormat: "jwt",
      jwt: { sign: { alg: keys.algorithms.nextcloud as "RS256" } },
    });
    // RFC 8693 §4.1: the acting party, and rule 7's identity claims; both read by extraTokenClaims.
    (ctx.oidc as unknown as Record<string, unknown>).tokenExchangeActor = { sub: client.clientId };
    (ctx.oidc as unknown as Record<string, unknown>).tokenExchangeIdentity = await identityClaims(accountId, consented.oidcScopes);
    ctx.oidc.entity("AccessToken", token);
    const value = await token.save();
    ctx.body = {
      access_token: value,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: "Bearer",
      expires_in: lifetime,
      scope,
    };
  };
}
