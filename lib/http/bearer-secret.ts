/**
 * Whether a request carries `Authorization: Bearer <expected>` (RFC 6750
 * §2.1), compared in constant time: both sides are hashed first, so neither
 * the comparison's duration nor a length check tells anything about the
 * secret. For machine endpoints behind a shared secret (metrics, cron).
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

export function presentsBearerSecret(request: Request, expected: string): boolean {
  const presented = /^Bearer ([\x21-\x7e]+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(presented), digest(expected));
}
