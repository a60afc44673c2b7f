/**
 * The resource scopes this server offers, derived from the tool catalogue:
 * a scope is offered when some tool requires it. Every place that offers
 * scopes (the 401 challenge, the protected resource metadata, the consent
 * page, the server instructions, hybrid consent) takes its list from here, so
 * a new tool area (calendar, deck) brings its scopes into use by adding tools.
 * The scope definitions themselves stay in lib/auth/scopes.ts.
 *
 * lib/auth and lib/idp never import this module (the tools import lib/auth,
 * lib/provisioning and lib/idp indirectly): the app layer passes the list in.
 */
import { firstContactScopes } from "@/lib/auth/scope-policy";
import { scopeInfo, scopesUsedBy, type ScopeApp } from "@/lib/auth/scopes";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import type { CatalogueTool } from "@/lib/mcp/tool-definition";

/** Resource scopes some tool of `catalogue` requires, in the scope catalogue's order. */
export function offeredResourceScopes(catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE): string[] {
  return scopesUsedBy(catalogue);
}

/** The scopes of the first 401 challenge and of `scopes_supported`: openid, offline_access and every offered resource scope. */
export function offeredFirstContactScopes(catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE): string[] {
  return firstContactScopes(offeredResourceScopes(catalogue));
}

/** The Nextcloud apps the offered scopes cover, in order (account, notes, files, …). */
export function offeredApps(catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE): ScopeApp[] {
  return [...new Set(offeredResourceScopes(catalogue).map((s) => scopeInfo(s)?.app).filter((a): a is ScopeApp => a !== undefined))];
}
