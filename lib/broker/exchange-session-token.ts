/**
 * The session path of the token broker (docs/architecture.md, "Session tokens
 * vs background tokens"): for one tool call, trade the caller's MCP access
 * token for a Nextcloud token at the IdP's token endpoint — RFC 8693 token
 * exchange, authenticated as this server's confidential client:
 *
 *   grant_type=urn:ietf:params:oauth:grant-type:token-exchange      (§2.1)
 *   subject_token=<the caller's MCP token>, subject_token_type=…:access_token
 *   audience=<NEXTCLOUD_AUDIENCE>                                    (§2.1 audience)
 *   scope=<exactly the tool's scopes>                                (§2.1 scope)
 *
 * The result is short-lived, down-scoped, names this server in `act` (§4.1)
 * and is never persisted: at most kept in memory until it expires when
 * EXCHANGE_CACHE=memory. A cached token is used only while the Nextcloud
 * grant it was issued under still exists and is active, read from the
 * database (not the guard's per-process grant cache) on every hit: a
 * revocation at any instance stops its use at every instance at once. This
 * path never touches the stored refresh token — it does not import the
 * grant store's refresh code at all.
 *
 * The IdP decides whether the user's Nextcloud grant covers the scopes; a
 * refusal becomes IdpRefusedError, an unreachable IdP IdpUnreachableError
 * (retryable). Both are audited (exchange_denied), as is each issued token
 * (exchange_issued) — with tool and scopes, never token values.
 */
import type { AuthInfo } from "@modelcontextprotocol/server";
import * as oidc from "openid-client";
import { formatScope, parseScope } from "@/lib/auth/scopes";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { recordExchange } from "@/lib/metrics/record";
import { callerFromAuthInfo, subjectTokenOf } from "@/lib/mcp/caller";
import { idpClient } from "@/lib/broker/idp-client";
import { getGrant, LAST_USED_RESOLUTION_MS, touchLastUsed } from "@/lib/provisioning/grant-store";
import { cacheExchange, exchangeCacheKey, forgetCachedExchange, readCachedExchange } from "./exchange-cache";
import { classifyIdpError, IdpRefusedError } from "./idp-errors";
import { sessionNextcloudToken, type SessionNextcloudToken } from "./token-types";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

export interface ExchangeOptions {
  /** The tool the token is for (audit). */
  tool?: string;
  /** The grant's last use, when the caller already read it: spares the write while it is recent. */
  grantLastUsedAt?: Date | null;
}

function audit(event: "exchange_issued" | "exchange_denied", outcome: "success" | "denied" | "error", authInfo: AuthInfo, scopes: readonly string[], options: ExchangeOptions, detail?: Record<string, unknown>) {
  const caller = callerFromAuthInfo(authInfo);
  // Not awaited: an audit row must not add a database round trip to every tool call (recordAuditEvent never throws).
  void recordAuditEvent({ event, outcome, userId: caller.sub, clientId: caller.clientId, tool: options.tool, scopes, detail });
}

export async function exchangeSessionToken(authInfo: AuthInfo, scopes: readonly string[], options: ExchangeOptions = {}): Promise<SessionNextcloudToken> {
  const config = getConfig();
  const requested = [...new Set(scopes)];
  if (requested.length === 0) throw new Error("exchangeSessionToken needs at least one scope");
  const subjectToken = subjectTokenOf(authInfo);
  const caller = callerFromAuthInfo(authInfo);

  const cacheKey = config.EXCHANGE_CACHE === "memory" ? exchangeCacheKey(subjectToken, requested) : undefined;
  // With the cache on: the live grant's id, read before the exchange. A token is cached under it,
  // and a cached token is used only while the same grant is still live (a revoked grant's row is gone).
  let liveGrantId: string | undefined;
  if (cacheKey) {
    const grant = await getGrant(caller.sub, config.NEXTCLOUD_AUDIENCE);
    liveGrantId = grant?.active ? grant.id : undefined;
    const cached = readCachedExchange(cacheKey);
    if (cached && cached.grantId === liveGrantId) return cached.token;
    if (cached) forgetCachedExchange(cacheKey);
  }

  let response: oidc.TokenEndpointResponse;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  try {
    response = await oidc.genericGrantRequest(await idpClient(), TOKEN_EXCHANGE_GRANT, {
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      audience: config.NEXTCLOUD_AUDIENCE,
      scope: formatScope(requested),
    });
  } catch (error) {
    const classified = classifyIdpError(error);
    const refused = classified instanceof IdpRefusedError;
    recordExchange(elapsed(), refused ? "denied" : "error");
    audit("exchange_denied", refused ? "denied" : "error", authInfo, requested, options, refused ? { error: classified.error } : { reason: "idp_unreachable" });
    if (!refused) log.warn("token exchange failed: identity provider unreachable", { tool: options.tool, reason: classified.message });
    throw classified;
  }

  recordExchange(elapsed(), "issued");
  // RFC 8693 §2.2.1: an access token must come back; scope, when present, must not exceed the request.
  const granted = response.scope === undefined ? requested : parseScope(response.scope);
  const excess = granted.filter((s) => !requested.includes(s));
  const issuedType = (response as { issued_token_type?: unknown }).issued_token_type;
  if (excess.length > 0 || (issuedType !== undefined && issuedType !== ACCESS_TOKEN_TYPE) || response.token_type.toLowerCase() !== "bearer") {
    audit("exchange_denied", "error", authInfo, requested, options, { reason: "unexpected_token_response" });
    throw new IdpRefusedError("invalid_response", "the identity provider issued a token that does not match the request");
  }
  const lifetime = Math.min(response.expires_in ?? config.EXCHANGE_TOKEN_TTL, config.EXCHANGE_TOKEN_TTL);
  const token = sessionNextcloudToken({
    accessToken: response.access_token,
    audience: config.NEXTCLOUD_AUDIENCE,
    scopes: granted,
    expiresAt: new Date(Date.now() + lifetime * 1000),
  });
  audit("exchange_issued", "success", authInfo, granted, options);
  const lastUsed = options.grantLastUsedAt?.getTime();
  if (lastUsed === undefined || Date.now() - lastUsed >= LAST_USED_RESOLUTION_MS) {
    touchLastUsed(caller.sub, config.NEXTCLOUD_AUDIENCE).catch((error: unknown) =>
      log.warn("could not record the grant's last use", { reason: error instanceof Error ? error.message : String(error) }),
    );
  }
  if (cacheKey && liveGrantId) cacheExchange(cacheKey, { token, grantId: liveGrantId });
  return token;
}
