/**
 * Rate limits on sign-in attempts, per source for each username, and per source.
 *
 * Rules:
 * - At most USERNAME_WINDOW.limit failed attempts per (username, source) and
 *   IP_WINDOW.limit per source in a fixed window; beyond that, attempts from
 *   that source are refused with a retry-after and the password is not
 *   checked at all.
 * - A username's budget is counted per source, never for the username as a
 *   whole: a stranger who fails from elsewhere, from any number of addresses,
 *   cannot lock the owner out (OWASP Authentication Cheat Sheet, "Account
 *   Lockout": lockout by username alone is a denial of service). Guessing
 *   stays bounded: each source gets USERNAME_WINDOW.limit guesses per
 *   username and IP_WINDOW.limit in all per window.
 * - An attempt is counted *before* its password is checked (reserve first),
 *   so concurrent attempts cannot all slip through below the limit. A
 *   successful sign-in then resets its (username, source) window and gives its
 *   source hit back: only failures count.
 * - The source is checked before the username, so a blocked source cannot
 *   also burn its attempts on every username it tries.
 * - Keys never hold a typed username in clear (people type passwords into the
 *   username field); IPv6 addresses count per /64, the block one client holds.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { hitBucket, purgeExpiredBuckets, releaseHit, resetBucket, type Window } from "./rate-limit-buckets";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";

export const USERNAME_WINDOW: Readonly<Window> = Object.freeze({ limit: 5, windowSeconds: 15 * 60 });
export const IP_WINDOW: Readonly<Window> = Object.freeze({ limit: 20, windowSeconds: 15 * 60 });

/** The address a client is counted under: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 per /64. */
export function ipBucketAddress(ip: string): string {
  let address = ip.trim();
  const zone = address.indexOf("%");
  if (zone >= 0) address = address.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1]!;
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return "unknown"; // no usable address: all such attempts share one bucket
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIpv6(address: string): string[] {
  let text = address.toLowerCase();
  // A trailing dotted IPv4 part (e.g. 64:ff9b::1.2.3.4) counts as two groups.
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((g) => g.replace(/^0+(?=.)/, ""));
}

/** The bucket of one username's failures from one source (a source as counted by ipBucketAddress). */
export function usernameKey(username: string, ip: string): string {
  const digest = createHash("sha256")
    .update(username.trim().toLowerCase(), "utf8")
    .update("\0")
    .update(ipBucketAddress(ip), "utf8")
    .digest("base64url");
  return `login:user-source:${digest}`;
}

export function ipKey(ip: string): string {
  return `login:ip:${ipBucketAddress(ip)}`;
}

export type Reservation = { allowed: true; release(success: boolean): Promise<void> } | { allowed: false; retryAfterSeconds: number };

/** Counts an attempt against the source, then the username from that source; refuses when either is over its limit. */
export async function reserveLoginAttempt(username: string, ip: string): Promise<Reservation> {
  void purgeOccasionally();
  const byIp = ipKey(ip);
  const ipHit = await hitBucket(byIp, IP_WINDOW);
  if (ipHit.limited) return { allowed: false, retryAfterSeconds: ipHit.retryAfterSeconds };
  const byUser = usernameKey(username, ip);
  const userHit = await hitBucket(byUser, USERNAME_WINDOW);
  if (userHit.limited) return { allowed: false, retryAfterSeconds: userHit.retryAfterSeconds };
  return {
    allowed: true,
    async release(success) {
      if (!success) return; // the failure stays counted
      await resetBucket(byUser);
      await releaseHit(byIp);
    },
  };
}

const PURGE_INTERVAL_MS = 10 * 60_000;

/** Deletes ended windows at most every ten minutes per process; never fails a sign-in. */
async function purgeOccasionally(): Promise<void> {
  const last = processWide("accounts.last-purge", () => ({ at: undefined as number | undefined }));
  const now = Date.now();
  if (last.at !== undefined && now - last.at < PURGE_INTERVAL_MS) return;
  last.at = now;
  try {
    await purgeExpiredBuckets();
  } catch (error) {
    log.warn("could not purge expired rate limit buckets", { reason: error instanceof Error ? error.message : String(error) });
  }
}
