/**
 * Password hashing with scrypt (RFC 7914) from node:crypto.
 *
 * Stored form, self-describing so that parameters can be raised later without
 * breaking old hashes: `scrypt$<N>$<r>$<p>$<salt>$<hash>` (salt and hash in
 * base64url). Verification recomputes the key with the stored parameters and
 * compares with crypto.timingSafeEqual. Passwords are NFKC-normalised first
 * (NIST SP 800-63B §5.1.1.2) so the same typed password always matches.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Current parameters: N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s on a small server core). */
export const CURRENT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
const SALT_BYTES = 16;
const KEY_BYTES = 32;

// Bounds for parameters read back from storage: a damaged or hostile row must
// not make one verification allocate gigabytes or run for minutes.
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;
const MAX_MEMORY = 256 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is exactly 128·N·r for N=2^15, r=8, and the
  // check is strict: allow twice what the parameters need.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 2 * 128 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize("NFKC"), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

const DECIMAL = /^[1-9][0-9]{0,9}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Parses a stored hash; null when it is not a well-formed, sanely bounded scrypt hash. */
export function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  if (![n, r, p].every((v) => DECIMAL.test(v)) || !B64URL.test(salt) || !B64URL.test(key)) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = (params.N & (params.N - 1)) === 0;
  if (!powerOfTwo || params.N < MIN_N || params.N > MAX_N) return null;
  if (params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return null;
  if (128 * params.N * params.r > MAX_MEMORY) return null;
  const parsed = { ...params, salt: Buffer.from(salt, "base64url"), key: Buffer.from(key, "base64url") };
  if (parsed.salt.length < SALT_BYTES || parsed.key.length < 32 || parsed.key.length > 64) return null;
  return parsed;
}

/** True when `password` matches `stored`. A malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) {
    // Spend the same work as a real check, so a broken row is not a timing oracle.
    await verifyAgainstDummy(password);
    return false;
  }
  const candidate = await scrypt(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(candidate, parsed.key);
}

/** True when `stored` was made with other parameters than the current ones (rehash after a good login). */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.N !== CURRENT_PARAMS.N || parsed.r !== CURRENT_PARAMS.r || parsed.p !== CURRENT_PARAMS.p || parsed.key.length !== KEY_BYTES;
}

// A fixed hash of a random password that was thrown away: unknown usernames
// are checked against it so that they cost the same scrypt work as a wrong
// password for a real account (no user enumeration by timing). Made with
// CURRENT_PARAMS (a unit test keeps the two in step).
export const DUMMY_HASH = "scrypt$32768$8$1$VFcQ4Yg46CQyeiNBayFvnA$3EQ69fG6mjJSx8sP8IMuX1qPtL9ZkfaeEFdelMPeQaY";
const DUMMY = parseHash(DUMMY_HASH)!;

/** Runs a full verification that can never succeed. Always resolves false. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  const candidate = await scrypt(password, DUMMY.salt, DUMMY.key.length, DUMMY);
  timingSafeEqual(candidate, DUMMY.key);
  return false;
}
