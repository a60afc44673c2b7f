/**
 * Flow 1 at the door of the MCP endpoint: find the bearer token, verify it,
 * and answer failures with the challenge a standard MCP client acts on
 * (RFC 6750 §3, RFC 9728 §5.1):
 * - no credentials → 401 `Bearer scope="openid offline_access <tool scopes>",
 *   resource_metadata="…"` (no error code, RFC 6750 §3.1; lib/auth/scope-policy.ts);
 * - a token that fails verification → 401 `error="invalid_token"`;
 * - a malformed request (token in the query, several Authorization headers)
 *   → 400 `error="invalid_request"`;
 * - the IdP's keys or the client registry unreachable → 503 (not the token's fault).
 */
import type { AuthInfo } from "@modelcontextprotocol/server";
import { InvalidAccessTokenError, VerifierUnavailableError } from "@/lib/auth/access-token-verifier";
import { extractBearerToken } from "@/lib/auth/bearer-token";
import { resourceMetadataUrl } from "@/lib/auth/protected-resource-metadata";
import { verifyAccessToken } from "@/lib/auth/verify-access-token";
import { bearerChallenge, type BearerError } from "@/lib/auth/www-authenticate";
import { getConfig } from "@/lib/config";
import { JsonRpcCode, jsonRpcErrorResponse } from "@/lib/http/json-rpc-response";
import { authDisabledAuthInfo, authInfoFromToken } from "@/lib/mcp/caller";
import { offeredFirstContactScopes } from "@/lib/mcp/offered-scopes";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import type { CatalogueTool } from "@/lib/mcp/tool-definition";
import { log } from "@/lib/log";

export type Authentication = { ok: true; authInfo: AuthInfo } | { ok: false; response: Response };

export function challengeResponse(status: 400 | 401 | 403, options: { error?: BearerError; description?: string; scopes: readonly string[] }): Response {
  const config = getConfig();
  const header = bearerChallenge({ resourceMetadataUrl: resourceMetadataUrl(config), error: options.error, description: options.description, scopes: options.scopes });
  const message =
    status === 403 ? `Forbidden: ${options.description ?? "insufficient scope"}` : options.error ? `Unauthorized: ${options.description ?? options.error}` : "Unauthorized: an access token is required";
  return jsonRpcErrorResponse(status, JsonRpcCode.ServerError, message, { "WWW-Authenticate": header });
}

export async function authenticateRequest(request: Request, catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE): Promise<Authentication> {
  const config = getConfig();
  // Test-only switch; the configuration refuses it unless NODE_ENV=test.
  if (config.MCP_INSECURE_DISABLE_AUTH && config.NODE_ENV === "test") return { ok: true, authInfo: authDisabledAuthInfo(config.MCP_URL) };

  // Every 401/400 names what a (re-)authorizing client should ask for: all the tool scopes, see lib/auth/scope-policy.ts.
  // Worked out only for a challenge: a request with a good token does not pay for it.
  const challenge = (status: 400 | 401, options: { error?: BearerError; description?: string } = {}) => challengeResponse(status, { ...options, scopes: offeredFirstContactScopes(catalogue) });
  const extracted = extractBearerToken(request);
  if (extracted.kind === "none") return { ok: false, response: challenge(401) };
  if (extracted.kind === "invalid_request") {
    return { ok: false, response: challenge(400, { error: "invalid_request", description: extracted.description }) };
  }
  if (extracted.kind === "invalid_token") {
    return { ok: false, response: challenge(401, { error: "invalid_token", description: extracted.description }) };
  }
  try {
    const verified = await verifyAccessToken(extracted.token);
    return { ok: true, authInfo: authInfoFromToken(verified, extracted.token, config.MCP_URL) };
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) {
      log.debug("access token refused", { reason: error.reason, detail: error.detail });
      return { ok: false, response: challenge(401, { error: "invalid_token", description: error.message }) };
    }
    const reason = error instanceof VerifierUnavailableError ? error.message : String(error);
    log.warn("access token could not be verified", { reason });
    return {
      ok: false,
      response: jsonRpcErrorResponse(503, JsonRpcCode.ServerError, "Service Unavailable: the access token cannot be verified right now; try again shortly", { "Retry-After": "5" }),
    };
  }
}
