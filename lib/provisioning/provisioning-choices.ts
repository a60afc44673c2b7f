/**
 * What the provisioning page offers and what "Continue" grants — one visit
 * covers everything the client's token may use:
 *
 * - offered: every Nextcloud scope the client's token holds (and the calling
 *   tool's scopes), minus what the person already granted (kept as it is);
 * - needed: the calling tool's scopes — shown ticked and cannot be unticked:
 *   without them the call that sent the person here cannot work;
 * - every other offered scope is ticked by default: the person came here to
 *   let this client work, and the client already holds these scopes (the
 *   person approved them at its own consent). Unticking one leaves it out.
 *
 * The form is plain HTML (works without JavaScript): ticked boxes arrive as
 * repeated `scope` fields. Anything submitted that was not offered is ignored,
 * so a forged form cannot add a scope.
 */
import { scopeInfo, type ScopeInfo } from "@/lib/auth/scopes";

/**
 * The OIDC scopes every provisioning asks for besides the chosen Nextcloud
 * scopes: openid (the ID token whose `sub` proves who consented),
 * offline_access (the background path's refresh token), profile and email
 * (the identity claims Nextcloud's user_oidc maps the account from; the page
 * says so, lib/idp/grants/token-exchange.ts passes them on).
 */
export const PROVISIONING_OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;

export interface ScopeChoice extends ScopeInfo {
  /** The calling tool needs it: always granted. */
  needed: boolean;
  /** Ticked when the page opens. */
  ticked: boolean;
}

export interface ChoiceInput {
  needed: readonly string[];
  offered: readonly string[];
  /** Scopes the person's grant already holds. */
  kept: readonly string[];
}

/** The choices the page shows, needed first, in the catalogue's wording. */
export function scopeChoices(input: ChoiceInput): ScopeChoice[] {
  const kept = new Set(input.kept);
  const needed = new Set(input.needed);
  const open = [...new Set([...input.needed, ...input.offered])].filter((s) => !kept.has(s));
  return open
    .map((name) => scopeInfo(name))
    .filter((s): s is ScopeInfo => s !== undefined)
    .map((s) => ({ ...s, needed: needed.has(s.name), ticked: true }))
    .sort((a, b) => Number(b.needed) - Number(a.needed));
}

/** The scopes "Continue" asks the IdP for: needed ∪ (ticked ∩ offered) ∪ kept. */
export function chosenScopes(input: ChoiceInput, ticked: readonly unknown[]): string[] {
  const offered = new Set([...input.needed, ...input.offered]);
  const picked = ticked.filter((s): s is string => typeof s === "string" && offered.has(s));
  return [...new Set([...input.needed, ...picked, ...input.kept])];
}
