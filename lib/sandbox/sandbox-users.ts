/**
 * The sandbox's user directory, in memory. Like user_oidc, a user exists from
 * the first valid token onwards: the user id is the token's `sub` when it is
 * a valid Nextcloud user id, otherwise a hash of it (user_oidc hashes ids
 * that Nextcloud cannot store). Display name and email follow the token's
 * `name` / `preferred_username` / `email` claims when it carries them.
 */
import { createHash } from "node:crypto";
import type { AcceptedToken } from "./verify-bearer-token";

export const SANDBOX_QUOTA_BYTES = 1024 ** 3;

export interface SandboxUser {
  id: string;
  displayName: string;
  email: string | null;
  groups: string[];
  quotaBytes: number;
  /** Milliseconds since the epoch, as Nextcloud reports lastLogin. */
  lastLogin: number;
}

/** Storage used by a user, contributed by the APIs that store data (Notes, WebDAV). */
export type UsageProvider = (userId: string) => number;

const NEXTCLOUD_UID = /^[A-Za-z0-9 _.@\-']{1,64}$/;

export function userIdFor(sub: string): string {
  return NEXTCLOUD_UID.test(sub) ? sub : createHash("sha256").update(sub).digest("hex");
}

const text = (value: unknown, max: number): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, max) : undefined;

export class SandboxUsers {
  private readonly users = new Map<string, SandboxUser>();
  private readonly usage: UsageProvider[] = [];

  fromToken(token: AcceptedToken): SandboxUser {
    const id = userIdFor(token.sub);
    const existing = this.users.get(id);
    const user: SandboxUser = existing ?? { id, displayName: id, email: null, groups: ["users"], quotaBytes: SANDBOX_QUOTA_BYTES, lastLogin: 0 };
    user.displayName = text(token.claims.name, 200) ?? text(token.claims.preferred_username, 200) ?? user.displayName;
    const email = text(token.claims.email, 320);
    if (email && email.includes("@")) user.email = email;
    user.lastLogin = Date.now();
    this.users.set(id, user);
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
