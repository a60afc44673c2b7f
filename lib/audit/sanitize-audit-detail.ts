/**
 * Makes an audit event's free-form detail safe to store: audit rows must
 * never hold a credential, and must stay small.
 *
 * - Keys that name credentials (token, secret, password, code, authorization,
 *   cookie, assertion, verifier, key) are dropped with their values, at any depth.
 * - String values that look like bearer material (JWT/JWE compact forms) are
 *   replaced, whatever their key.
 * - Strings are cut to 500 characters, arrays to 20 items, objects to 30 keys,
 *   nesting to 4 levels; if the result still exceeds 4 KB it is replaced by a
 *   marker.
 */

const CREDENTIAL_KEY = /token|secret|passw|code|authoriz|cookie|assertion|verifier|credential|key/i;
// Two or more base64url segments of JWS/JWE compact serialisation starting with a JSON header ("eyJ").
const COMPACT_JOSE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/;

export const AUDIT_LIMITS = { string: 500, array: 20, keys: 30, depth: 4, bytes: 4096 } as const;

export type AuditDetail = { [key: string]: AuditValue };
export type AuditValue = string | number | boolean | null | AuditValue[] | AuditDetail;

function clean(value: unknown, depth: number): AuditValue | undefined {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") {
    if (COMPACT_JOSE.test(value)) return "[redacted]";
    return value.length > AUDIT_LIMITS.string ? `${value.slice(0, AUDIT_LIMITS.string)}…` : value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Error) return clean({ name: value.name, message: value.message }, depth);
  if (depth >= AUDIT_LIMITS.depth) return "[nested too deep]";
  if (Array.isArray(value)) {
    const items = value.slice(0, AUDIT_LIMITS.array).map((v) => clean(v, depth + 1) ?? null);
    if (value.length > AUDIT_LIMITS.array) items.push(`[${value.length - AUDIT_LIMITS.array} more]`);
    return items;
  }
  if (typeof value === "object") {
    const out: AuditDetail = {};
    let kept = 0;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (CREDENTIAL_KEY.test(key)) continue;
      if (kept >= AUDIT_LIMITS.keys) {
        out["[truncated]"] = true;
        break;
      }
      const cleaned = clean(v, depth + 1);
      if (cleaned === undefined) continue;
      out[key.slice(0, 100)] = cleaned;
      kept++;
    }
    return out;
  }
  return undefined; // functions, symbols, undefined
}

export function sanitizeAuditDetail(detail: unknown): AuditDetail | undefined {
  if (detail === undefined || detail === null) return undefined;
  const cleaned = clean(typeof detail === "object" && !Array.isArray(detail) ? detail : { value: detail }, 0);
  if (!cleaned || typeof cleaned !== "object" || Array.isArray(cleaned)) return undefined;
  if (JSON.stringify(cleaned).length > AUDIT_LIMITS.bytes) return { truncated: true, note: "detail exceeded 4 KB and was dropped" };
  return cleaned;
}
