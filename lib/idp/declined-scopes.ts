/**
 * Scopes a person declined on an earlier consent (oidc-provider records them
 * as the Grant's `rejected` scopes, lib/idp/consent-choices.ts). A decline
 * answers one authorization, not every future one:
 * - a new authorization request that asks for a declined scope again reopens
 *   it (in memory, for that request only), so the consent page asks again,
 *   with the box unticked: this is how a client that was narrowed is widened
 *   (step-up, or reconnecting), never silently;
 * - granting it later removes it from `rejected`, because oidc-provider hides
 *   a rejected scope even when it is also granted (models/grant.js
 *   getResourceScope / getOIDCScope).
 * `openid` is never declined (it is required on the consent page).
 */

/** The parts of oidc-provider's Grant payload this module reads and edits. */
interface RejectedPart {
  openid?: { scope?: string };
  resources?: Record<string, string>;
}
export interface GrantWithRejections {
  rejected?: RejectedPart;
}

const split = (value: string | undefined) => (value ?? "").split(" ").filter(Boolean);
const join = (names: string[]) => (names.length > 0 ? names.join(" ") : undefined);

/** Every scope name the person declined before, on any resource of this grant. */
export function declinedScopes(grant: GrantWithRejections | undefined): Set<string> {
  const rejected = grant?.rejected;
  if (!rejected) return new Set();
  return new Set([...split(rejected.openid?.scope), ...Object.values(rejected.resources ?? {}).flatMap(split)]);
}

/** Removes `scopes` from the grant's rejected scopes (every resource, and the OIDC part). */
export function forgetDeclined(grant: GrantWithRejections, scopes: Iterable<string>): void {
  const rejected = grant.rejected;
  if (!rejected) return;
  const drop = new Set(scopes);
  if (rejected.openid) {
    const kept = join(split(rejected.openid.scope).filter((s) => !drop.has(s)));
    if (kept) rejected.openid.scope = kept;
    else delete rejected.openid;
  }
  for (const [indicator, value] of Object.entries(rejected.resources ?? {})) {
    const kept = join(split(value).filter((s) => !drop.has(s)));
    if (kept) rejected.resources![indicator] = kept;
    else delete rejected.resources![indicator];
  }
}

/** A new authorization request: the declined scopes it asks for again are open for consent again (not saved here). */
export function reopenDeclined(grant: GrantWithRejections, requested: Iterable<string>): void {
  const declined = declinedScopes(grant);
  forgetDeclined(grant, [...requested].filter((s) => declined.has(s)));
}
