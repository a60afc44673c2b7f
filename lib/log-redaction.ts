/**
 * What lib/log removes before a line is written: credentials never reach a
 * log, wherever they sit.
 *
 * - By name, at any depth: a field whose name says credential (token, secret,
 *   password, authorization, cookie, assertion, code, state, key, …) is
 *   replaced by "[redacted]", in nested objects and arrays too.
 * - By shape, in every string (messages, error messages, URLs, headers):
 *   JWS/JWE compact serialisations (RFC 7515 §7.1, RFC 7516 §7.1), the values
 *   of credential-bearing query or form parameters (OAuth `code`, `state`,
 *   `access_token`, …, and this server's provisioning `request`), and the
 *   credentials of an Authorization header value (Bearer, Basic, DPoP).
 * - Errors become { name, message } with the message cleaned; stacks are not
 *   logged (they repeat the message, and say nothing an operator needs).
 * Bounded: depth 6, strings cut at 2,000 characters, 50 keys / items per level.
 */
const SENSITIVE_KEY = /token|secret|passw|authoriz|cookie|assertion|verifier|credential|key|^code$|^state$|^nonce$/i;
const COMPACT_JOSE = /eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,4}/g;
const PARAMETERS = "code|state|nonce|request|token|access_token|refresh_token|id_token|subject_token|actor_token|device_code|client_secret|client_assertion|assertion|password|code_verifier|session_state";
// name=value after the start, `?`, `&`, `;`, `#`, whitespace or a quote: the value up to the next delimiter.
const PARAMETER = new RegExp(`(^|[?&;#\\s"'(,])(${PARAMETERS})=([^&\\s#"'<>,)]*)`, "gi");
const AUTH_SCHEME = /\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9._~+/=-]+/gi;

export const REDACTED = "[redacted]";
const LIMITS = { depth: 6, string: 2_000, entries: 50 } as const;

/** A string with every token-shaped part and credential parameter value replaced. */
export function redactString(value: string): string {
  const cut = value.length > LIMITS.string ? `${value.slice(0, LIMITS.string)}…` : value;
  return cut
    .replace(COMPACT_JOSE, REDACTED)
    .replace(PARAMETER, (_all, lead: string, name: string) => `${lead}${name}=${REDACTED}`)
    .replace(AUTH_SCHEME, (_all, scheme: string) => `${scheme} ${REDACTED}`);
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? value.toString() : value;
  if (value instanceof Date) return value;
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  if (depth >= LIMITS.depth) return "[nested too deep]";
  if (Array.isArray(value)) return value.slice(0, LIMITS.entries).map((v) => clean(v, depth + 1));
  if (value instanceof URL) return redactString(value.href);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, LIMITS.entries)) {
    out[k] = SENSITIVE_KEY.test(k) ? REDACTED : clean(v, depth + 1);
  }
  return out;
}

/** The fields of a log line with every credential removed (see the file comment). */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return clean(fields, 0) as Record<string, unknown>;
}
