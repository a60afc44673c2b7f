/**
 * The sandbox's user directory, in memory. As with user_oidc's bearer
 * provisioning, a user exists from the first valid token onwards, and who
 * that is comes from the provider settings (user_oidc `occ
 * user_oidc:provider` flags, lib/Command/UpsertProvider.php):
 *
 * - `--mapping-uid`: the claim the uid is read from (user_oidc's default
 *   `sub`). With `--resolve-nested-claims=1` a mapping may name nested claims
 *   ("a.b") and fallbacks ("a | b"): the first present one wins. A token
 *   without the claim is refused (user_oidc returns no user: 401).
 * - `--unique-uid` (default on in user_oidc): the uid is
 *   sha256("<provider id>_0_<claim value>") instead of the value itself. Off,
 *   a value longer than 64 characters (or one Nextcloud cannot store) is
 *   hashed.
 * - `--bearer-provisioning`: display name from `name`, email from `email`.
 *
 * The sandbox's defaults are chosen so the demo and test accounts appear
 * under their user names (`alice`, "Alice Example"): mapping
 * `preferred_username | sub`, unique uid off. docs/nextcloud-setup.md gives
 * the matching settings for a real Nextcloud, and their risk.
 */
import { createHash } from "node:crypto";
import type { AcceptedToken } from "./verify-bearer-token";

export const SANDBOX_QUOTA_BYTES = 1024 ** 3;
export const DEFAULT_UID_MAPPING = "preferred_username | sub";

export interface SandboxUser {
  id: string;
  displayName: string;
  email: string | null;
  groups: string[];
  /** null: no quota (Nextcloud reports -3, unlimited). */
  quotaBytes: number | null;
  /** Milliseconds since the epoch, as Nextcloud reports lastLogin. */
  lastLogin: number;
}

export interface UserMappingOptions {
  /** Claim mapping of the uid (default DEFAULT_UID_MAPPING). */
  uidMapping?: string;
  /** Hash the uid as user_oidc's --unique-uid=1 does (default false). */
  uniqueUid?: boolean;
  /** user_oidc's numeric provider id, part of the unique uid hash (default 1). */
  providerId?: number;
  /** A new user's quota in bytes; null = unlimited (default SANDBOX_QUOTA_BYTES). */
  quotaBytes?: number | null;
}

/** Storage used by a user, contributed by the APIs that store data (Notes, WebDAV). */
export type UsageProvider = (userId: string) => number;

/** The token carries no value for the uid mapping: user_oidc finds no user (401). */
export class UnmappableTokenError extends Error {
  constructor(mapping: string) {
    super(`the token has no claim for the uid mapping "${mapping}"`);
    this.name = "UnmappableTokenError";
  }
}

const NEXTCLOUD_UID = /^[A-Za-z0-9 _.@\-']{1,64}$/;
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** The first claim of a mapping ("a.b | c") with a non-empty string or number value. */
export function claimValue(claims: Record<string, unknown>, mapping: string): string | undefined {
  for (const alternative of mapping.split("|").map((s) => s.trim()).filter(Boolean)) {
    let value: unknown = claims;
    for (const key of alternative.split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

export function userIdFor(value: string, options: { uniqueUid?: boolean; providerId?: number } = {}): string {
  if (options.uniqueUid) return sha256(`${options.providerId ?? 1}_0_${value}`);
  return NEXTCLOUD_UID.test(value) ? value : sha256(value);
}

const text = (value: unknown, max: number): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, max) : undefined;

export class SandboxUsers {
  private readonly users = new Map<string, SandboxUser>();
  private readonly usage: UsageProvider[] = [];
  readonly uidMapping: string;
  private readonly uniqueUid: boolean;
  private readonly providerId: number;
  private readonly quotaBytes: number | null;

  constructor(options: UserMappingOptions = {}) {
    this.uidMapping = options.uidMapping ?? DEFAULT_UID_MAPPING;
    this.uniqueUid = options.uniqueUid ?? false;
    this.providerId = options.providerId ?? 1;
    this.quotaBytes = options.quotaBytes === undefined ? SANDBOX_QUOTA_BYTES : options.quotaBytes;
  }

  /** The uid a token maps to, without creating the user. */
  userIdOf(token: AcceptedToken): string {
    const value = claimValue(token.claims, this.uidMapping);
    if (value === undefined) throw new UnmappableTokenError(this.uidMapping);
    return userIdFor(value, { uniqueUid: this.uniqueUid, providerId: this.providerId });
  }

  /** The user a token maps to, created (bearer provisioning) or updated from its `name`/`email`. */
  fromToken(token: AcceptedToken): SandboxUser {
    const user = this.ensure(this.userIdOf(token));
    user.displayName = text(token.claims.name, 200) ?? user.displayName;
    const email = text(token.claims.email, 320);
    if (email && email.includes("@")) user.email = email;
    user.lastLogin = Date.now();
    return user;
  }

  /** A user by id, created with defaults when new (also used to seed demo data). */
  ensure(id: string): SandboxUser {
    let user = this.users.get(id);
    if (!user) {
      user = { id, displayName: id, email: null, groups: ["users"], quotaBytes: this.quotaBytes, lastLogin: 0 };
      this.users.set(id, user);
    }
    return user;
  }

  get(id: string): SandboxUser | undefined {
    return this.users.get(id);
  }

  addUsageProvider(provider: UsageProvider): void {
    this.usage.push(provider);
  }

  usedBytes(id: string): number {
    return this.usage.reduce((sum, provider) => sum + provider(id), 0);
  }
}
