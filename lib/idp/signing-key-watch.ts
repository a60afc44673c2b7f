/**
 * How the running IdP follows its stored signing keys without a restart: a
 * staged key must appear in the published JWKS soon after
 * `keys:rotate-signing --stage` (the publish-ahead period counts from then),
 * and must start signing when its activation time comes. provider.ts
 * rebuilds its oidc-provider instance when the stored set changed (checked
 * at most every KEY_RECHECK_MS, in the background) or when the next
 * activation time passed. The digest is of the decrypted set, never logged.
 */
import { createHash } from "node:crypto";
import { getConfig } from "@/lib/config";
import { SIGNING_KEYS_SETTING } from "./keys";
import { readSealedSetting } from "./sealed-settings";

export const KEY_RECHECK_MS = 60_000;

export async function signingKeysDigest(): Promise<string> {
  const raw = getConfig().OIDC_SIGNING_KEYS ?? (await readSealedSetting(SIGNING_KEYS_SETTING)) ?? "";
  return createHash("sha256").update(raw).digest("base64url");
}

export interface KeyWatch {
  digest: string;
  /** When the key order changes next (a staged key activates); null: never without a new rotation. */
  rebuildAt: number | null;
  checkedAt: number;
}

/** Whether the provider built under `watch` is out of date now (activation passed). */
export function activationPassed(watch: KeyWatch, now = Date.now()): boolean {
  return watch.rebuildAt !== null && now >= watch.rebuildAt;
}
