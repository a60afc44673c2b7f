/**
 * Which scopes the MCP endpoint asks clients for, progressively:
 * - first contact (401): only `openid`, enough to know who the caller is. The
 *   tools that need no scope (provisioning status, whoami) work with it, and
 *   the person consents to nothing more than being identified;
 * - step-up (403 insufficient_scope): the scopes the client already holds plus
 *   the ones the call needs. MCP clients request the challenge's `scope`
 *   verbatim, so naming only the new scope would make the client trade its
 *   earlier permissions for the new one (MCP 2025-11-25 authorization, scope
 *   challenge handling; RFC 6750 §3.1 insufficient_scope).
 */
import { isKnownScope, missingScopes, resourceScopes } from "@/lib/auth/scopes";

export const MINIMAL_SCOPES: readonly string[] = ["openid"];

/** The scopes a token must grant to call a tool that requires `required`, or [] when it already does. */
export function insufficientScopes(required: readonly string[], held: readonly string[]): string[] {
  return missingScopes(required, held);
}

/** The challenge `scope` of a step-up: what the client holds (catalogued scopes only) plus what it lacks. */
export function stepUpScopes(held: readonly string[], needed: readonly string[]): string[] {
  const kept = held.filter((s) => isKnownScope(s));
  return [...new Set([...MINIMAL_SCOPES, ...kept, ...needed])];
}

/** The resource scopes this MCP server advertises (RFC 9728 `scopes_supported`). */
export function mcpScopesSupported(): string[] {
  return resourceScopes("mcp");
}
