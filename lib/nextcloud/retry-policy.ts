/**
 * When a Nextcloud request may be sent again, and after how long.
 *
 * - Only idempotent methods (RFC 9110 §9.2.2: GET, HEAD, OPTIONS, PUT,
 *   DELETE; and WebDAV's PROPFIND, PROPPATCH, SEARCH, which RFC 4918 §9.1,
 *   §9.2 and RFC 5323 define without side effects beyond their own) are
 *   retried. POST (a new note), MKCOL, MOVE and COPY are never resent: a
 *   second copy could create a duplicate or act on a moved source.
 * - Only answers that say "not now": 429 (RFC 6585 §4), 502, 503, 504
 *   (RFC 9110 §15.6), and a connection that could not be opened.
 * - Retry-After (RFC 9110 §10.2.3, seconds or an HTTP-date) is honoured when
 *   it fits the bound; a longer wait is not slept through — the caller gets
 *   "unavailable" at once with the wait Nextcloud asked for.
 * - Otherwise exponential backoff with full jitter.
 */

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PROPFIND", "PROPPATCH", "SEARCH"]);

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After this client waits for. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 150, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 };

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** Retry-After in milliseconds, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP-date (RFC 9110 §5.6.7) always ends in "GMT"; Date.parse alone would read "-5" as a year.
  if (!/^[A-Za-z]{3}.*\bGMT$/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; waitMs?: number };

/**
 * Whether attempt number `attempt` (1 = the first) should be followed by another.
 * `status` undefined means the connection failed before any answer.
 */
export function decideRetry(input: {
  method: string;
  attempt: number;
  status: number | undefined;
  retryAfter?: string | null;
  policy?: RetryPolicy;
  random?: () => number;
  now?: number;
}): RetryDecision {
  const policy = input.policy ?? DEFAULT_RETRY_POLICY;
  if (!isIdempotent(input.method)) return { retry: false };
  if (input.status !== undefined && !RETRYABLE_STATUSES.has(input.status)) return { retry: false };
  const requested = input.status !== undefined ? parseRetryAfter(input.retryAfter, input.now) : undefined;
  if (requested !== undefined && requested > policy.maxRetryAfterMs) return { retry: false, waitMs: requested };
  if (input.attempt >= policy.maxAttempts) return { retry: false, waitMs: requested };
  if (requested !== undefined) return { retry: true, delayMs: requested };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (input.attempt - 1));
  return { retry: true, delayMs: Math.round((input.random ?? Math.random)() * ceiling) };
}
