/**
 * Which scopes the MCP endpoint asks clients for:
 * - first contact (401 without a token, and the protected resource metadata's
 *   `scopes_supported`): every resource scope some tool uses, plus `openid`
 *   and `offline_access`. MCP 2025-11-25 clients request the challenge's
 *   `scope` verbatim, else every scope in `scopes_supported` (authorization,
 *   "Scope Selection Strategy"); today's clients handle a later 403 step-up
 *   badly, so a minimal first scope leaves the model with no Nextcloud tool.
 *   Least privilege comes from what the person ticks on the consent page.
 *   `offline_access` (OIDC Core §11; MCP SEP-2207) lets the client refresh its
 *   short-lived token instead of sending the person back to the browser;
 * - step-up (403 insufficient_scope): the scopes the client already holds plus
 *   the ones the call needs. MCP clients request the challenge's `scope`
 *   verbatim, so naming only the new scope would make the client trade its
 *   earlier permissions for the new one (RFC 6750 §3.1 insufficient_scope).
 */
import { isKnownScope, missingScopes } from "@/lib/auth/scopes";

/** Always part of what a client asks for: who the person is. */
export const IDENTITY_SCOPES: readonly string[] = ["openid"];

/** OIDC scopes of a first contact: identity, and a refresh token (OIDC Core §11). */
export const FIRST_CONTACT_OIDC_SCOPES: readonly string[] = ["openid", "offline_access"];

/** The scopes a token must grant to call a tool that requires `required`, or [] when it already does. */
export function insufficientScopes(required: readonly string[], held: readonly string[]): string[] {
  return missingScopes(required, held);
}

/** The challenge `scope` of a step-up: what the client holds (catalogued scopes only) plus what it lacks. */
export function stepUpScopes(held: readonly string[], needed: readonly string[]): string[] {
  const kept = held.filter((s) => isKnownScope(s));
  return [...new Set([...IDENTITY_SCOPES, ...kept, ...needed])];
}

/**
 * What a client should request on first contact: `offered` is the list of
 * resource scopes some tool uses (lib/mcp/offered-scopes.ts).
 */
export function firstContactScopes(offered: readonly string[]): string[] {
  return [...new Set([...FIRST_CONTACT_OIDC_SCOPES, ...offered])];
}
