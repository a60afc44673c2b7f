/**
 * Signing-key rotation of the built-in IdP (scripts/keys-rotate-signing.ts):
 *
 * - stage (the default): a new ES256 + RS256 pair is published in the JWKS
 *   at once and signs from now + OIDC_KEY_PUBLISH_AHEAD, so Nextcloud's
 *   user_oidc, which caches the JWKS for an hour and never refetches it for
 *   an unknown kid, has the new keys before any token is signed with them;
 * - immediate: the new pair signs at once (the behaviour that
 *   breaks Nextcloud calls for up to an hour; kept for an IdP no Nextcloud
 *   trusts yet, or after a key compromise);
 * - retire: an old key leaves the JWKS (after the tokens it signed expired);
 *   the key signing for its type cannot be retired, a pending one can
 *   (that cancels the staging).
 *
 * The running app reads the stored set again within KEY_RECHECK_MS
 * (provider.ts), so neither publishing nor activation needs a restart.
 */
import { getConfig } from "@/lib/config";
import { generateSigningKeys, parseStoredKeySet, serializeKeySet, SIGNING_KEYS_SETTING, SigningKeyError, type StoredKeySet } from "./keys";
import { getOrCreateSealedSetting, readSealedSetting, writeSealedSetting } from "./sealed-settings";
import { describeSchedule, type ScheduledKey } from "./signing-key-schedule";

async function storedKeySet(): Promise<StoredKeySet> {
  if (getConfig().OIDC_SIGNING_KEYS) {
    throw new SigningKeyError(
      "OIDC_SIGNING_KEYS is set: rotate by editing that variable — add the new key at the END (published, not signing), restart, wait longer than Nextcloud's JWKS cache (one hour), then move it first and restart again; remove the old key once its tokens expired.",
    );
  }
  // Before the app ever started there is no stored set: create it now, as the app would, so that what
  // --list shows is what the app will use.
  const json = await getOrCreateSealedSetting(SIGNING_KEYS_SETTING, () => JSON.stringify({ keys: generateSigningKeys() }));
  return parseStoredKeySet(json);
}

export interface RotationResult {
  added: string[];
  kept: string[];
  /** When the new keys start signing (ms since the epoch); null: from the next start. */
  activatesAt: number | null;
}

export async function rotateSigningKeys(options: { immediate?: boolean; publishAheadSeconds?: number; now?: number } = {}): Promise<RotationResult> {
  const now = options.now ?? Date.now();
  const { keys, activation, published } = await storedKeySet();
  const fresh = generateSigningKeys();
  const ahead = options.publishAheadSeconds ?? getConfig().OIDC_KEY_PUBLISH_AHEAD;
  const activatesAt = options.immediate ? now : now + ahead * 1000;
  const nextActivation: Record<string, number> = { ...activation };
  const nextPublished: Record<string, number> = { ...published };
  for (const key of fresh) {
    nextActivation[key.kid] = activatesAt;
    nextPublished[key.kid] = now;
  }
  await writeSealedSetting(SIGNING_KEYS_SETTING, serializeKeySet({ keys: [...fresh, ...keys], activation: nextActivation, published: nextPublished }));
  return { added: fresh.map((k) => k.kid), kept: keys.map((k) => k.kid), activatesAt: options.immediate ? null : activatesAt };
}

export async function listSigningKeys(now = Date.now()): Promise<ScheduledKey[]> {
  const { keys, activation } = await storedKeySet();
  return describeSchedule(keys, activation, now);
}

export async function retireSigningKey(kid: string, now = Date.now()): Promise<{ remaining: string[] }> {
  const { keys, activation, published } = await storedKeySet();
  const target = describeSchedule(keys, activation, now).find((k) => k.kid === kid);
  if (!target) throw new SigningKeyError(`no signing key has the id ${kid} (known: ${keys.map((k) => k.kid).join(", ")})`);
  if (target.state === "signing") throw new SigningKeyError(`${kid} is the key currently signing ${target.kty} tokens; rotate first, then retire it`);
  const remaining = keys.filter((k) => k.kid !== kid);
  await writeSealedSetting(SIGNING_KEYS_SETTING, serializeKeySet({ keys: remaining, activation, published }));
  return { remaining: remaining.map((k) => k.kid) };
}

/**
 * When the stored key `kid` was published and started signing (ms since
 * the epoch; null when unknown: a key older than staging,
 * OIDC_SIGNING_KEYS). Read only to explain a Nextcloud 401
 * (lib/mcp/diagnose-nextcloud-refusal.ts).
 */
export async function signingKeyTimes(kid: string): Promise<{ publishedAt: number | null; activatedAt: number | null }> {
  if (getConfig().OIDC_SIGNING_KEYS) return { publishedAt: null, activatedAt: null };
  const json = await readSealedSetting(SIGNING_KEYS_SETTING);
  if (!json) return { publishedAt: null, activatedAt: null };
  const set = parseStoredKeySet(json);
  return { publishedAt: set.published[kid] ?? null, activatedAt: set.activation[kid] ?? null };
}
