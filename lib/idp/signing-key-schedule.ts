/**
 * When each signing key of the built-in IdP signs. Nextcloud's user_oidc
 * caches the IdP's JWKS for an hour and does not refetch it when a token
 * names an unknown kid (issue 13, user_oidc DiscoveryService::obtainJWK): a
 * key that signs the moment it is published breaks every Nextcloud call for
 * up to an hour. So a new key is *staged*: published in the JWKS at once,
 * signing only from its activation time (OIDC_KEY_PUBLISH_AHEAD later).
 *
 * The stored set keeps the keys and, per kid, the activation time (epoch
 * ms); a key without one is active (keys stored before staging existed). For
 * oidc-provider, which signs with the first key of the wanted algorithm, the
 * keys are arranged: active keys first, the most recently activated first,
 * then pending ones (published, never chosen to sign while an active key of
 * their type exists).
 */
import type { PrivateJwk } from "./keys";

export type Activation = Readonly<Record<string, number>>;

export type SigningKeyState = "signing" | "pending" | "verify-only";

export interface ScheduledKey {
  kid: string;
  kty: string;
  alg?: string;
  state: SigningKeyState;
  /** When it signs (pending) or started signing (ms since the epoch); null for keys older than staging. */
  activatesAt: number | null;
}

const isActive = (kid: string, activation: Activation, now: number) => (activation[kid] ?? Number.NEGATIVE_INFINITY) <= now;

/** The keys in the order oidc-provider should see them at `now`, and when that order changes next. */
export function arrangeSigningKeys(keys: readonly PrivateJwk[], activation: Activation, now: number): { keys: PrivateJwk[]; nextChangeAt: number | null } {
  const since = (k: PrivateJwk) => activation[k.kid] ?? Number.NEGATIVE_INFINITY;
  // Array.prototype.sort is stable: keys without an activation keep their stored order.
  const active = keys.filter((k) => isActive(k.kid, activation, now)).sort((a, b) => since(b) - since(a));
  const pending = keys.filter((k) => !isActive(k.kid, activation, now)).sort((a, b) => since(a) - since(b));
  const nextChangeAt = pending.length > 0 ? since(pending[0]!) : null;
  // A type with no active key at all signs with its earliest pending key rather than not at all.
  for (const key of pending) if (!active.some((k) => k.kty === key.kty)) active.push(key);
  return { keys: [...active, ...pending.filter((k) => !active.includes(k))], nextChangeAt };
}

/** Each key's state at `now`: the first active key of its type signs, other active ones only verify. */
export function describeSchedule(keys: readonly PrivateJwk[], activation: Activation, now: number): ScheduledKey[] {
  const arranged = arrangeSigningKeys(keys, activation, now).keys;
  return arranged.map((k) => {
    const signer = arranged.find((x) => x.kty === k.kty) === k;
    const state: SigningKeyState = signer ? "signing" : isActive(k.kid, activation, now) ? "verify-only" : "pending";
    return { kid: k.kid, kty: k.kty, alg: k.alg, state, activatesAt: activation[k.kid] ?? null };
  });
}
