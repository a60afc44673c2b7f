import { describe, expect, it } from "vitest";
import { decideRetry, DEFAULT_RETRY_POLICY, isIdempotent, parseRetryAfter } from "@/lib/nextcloud/retry-policy";

const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };

describe("retry policy", () => {
  it("knows which methods are idempotent (RFC 9110 §9.2.2, RFC 4918)", () => {
    for (const m of ["GET", "head", "OPTIONS", "PUT", "DELETE", "PROPFIND", "PROPPATCH", "SEARCH"]) expect(isIdempotent(m), m).toBe(true);
    for (const m of ["POST", "MKCOL", "MOVE", "COPY", "LOCK", "PATCH"]) expect(isIdempotent(m), m).toBe(false);
  });

  it("retries idempotent requests on 429/502/503/504 and connection failures only", () => {
    for (const status of [429, 502, 503, 504, undefined]) expect(decideRetry({ method: "GET", attempt: 1, status, policy, random: () => 1 }).retry).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 412, 500, 501, 507]) expect(decideRetry({ method: "GET", attempt: 1, status, policy }).retry).toBe(false);
    for (const method of ["POST", "MKCOL", "MOVE", "COPY"]) expect(decideRetry({ method, attempt: 1, status: 503, policy }).retry).toBe(false);
  });

  it("backs off exponentially with full jitter, bounded, and stops after maxAttempts", () => {
    expect(decideRetry({ method: "GET", attempt: 1, status: 503, policy, random: () => 1 })).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry({ method: "GET", attempt: 2, status: 503, policy, random: () => 1 })).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry({ method: "GET", attempt: 2, status: 503, policy, random: () => 0 })).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry({ method: "GET", attempt: 2, status: 503, policy: { ...policy, maxAttempts: 10, maxDelayMs: 150 }, random: () => 1 })).toEqual({ retry: true, delayMs: 150 });
    expect(decideRetry({ method: "GET", attempt: 3, status: 503, policy }).retry).toBe(false);
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
  });

  it("honours Retry-After within the bound and gives up at once beyond it", () => {
    expect(decideRetry({ method: "GET", attempt: 1, status: 503, retryAfter: "2", policy })).toEqual({ retry: true, delayMs: 2_000 });
    expect(decideRetry({ method: "GET", attempt: 1, status: 429, retryAfter: "60", policy })).toEqual({ retry: false, waitMs: 60_000 });
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(decideRetry({ method: "GET", attempt: 1, status: 503, retryAfter: "Tue, 01 Jan 2030 00:00:03 GMT", policy, now })).toEqual({ retry: true, delayMs: 3_000 });
  });

  it("parses Retry-After as seconds or an HTTP-date, ignoring garbage", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(parseRetryAfter("5", now)).toBe(5_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Mon, 31 Dec 2029 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
