/**
 * Where an MCP request may carry its access token: the Authorization header
 * with the Bearer scheme, once (RFC 6750 §2.1). Everything else is refused:
 * - the URI query (RFC 6750 §2.3; OAuth 2.1 §5.2 forbids it: URLs end up in
 *   logs, browser history and Referer headers);
 * - the form-encoded body (RFC 6750 §2.2; MCP bodies are JSON, and a JSON body
 *   is never consulted for credentials);
 * - several Authorization fields. Node keeps only the first raw field; an
 *   intermediary that combines repeated fields joins them with a comma
 *   (RFC 9110 §5.3), which no single Bearer token contains, so a folded value
 *   is refused as ambiguous (RFC 6750 §3.1 invalid_request).
 */

export type BearerExtraction =
  | { kind: "none" }
  | { kind: "token"; token: string }
  /** RFC 6750 §3.1 invalid_request: answered with 400. */
  | { kind: "invalid_request"; description: string }
  /** Present but unusable (syntax, size): answered with 401 invalid_token. */
  | { kind: "invalid_token"; description: string };

/** Far above any real JWT access token; keeps header parsing cheap. */
export const MAX_TOKEN_LENGTH = 8192;

// RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function extractBearerToken(request: { headers: Headers; url: string }): BearerExtraction {
  const url = new URL(request.url);
  if (url.searchParams.has("access_token")) {
    return { kind: "invalid_request", description: "access tokens are accepted only in the Authorization header, not in the URI query" };
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (/^\s*application\/x-www-form-urlencoded/i.test(contentType)) {
    return { kind: "invalid_request", description: "access tokens are accepted only in the Authorization header, not in a form-encoded body" };
  }
  const header = request.headers.get("authorization");
  if (header === null || header.trim() === "") return { kind: "none" };
  if (header.includes(",")) {
    return { kind: "invalid_request", description: "send exactly one Authorization header with one Bearer token" };
  }
  const match = /^\s*(\S+)(?:\s+(.*))?$/.exec(header);
  // Another scheme (Basic, DPoP…) is not a credential for this resource: the
  // answer is the plain Bearer challenge, as for a request without one.
  if (!match || match[1]?.toLowerCase() !== "bearer") return { kind: "none" };
  const token = (match[2] ?? "").trim();
  if (token.length === 0) return { kind: "invalid_token", description: "the Bearer token is empty" };
  if (token.length > MAX_TOKEN_LENGTH) return { kind: "invalid_token", description: "the access token is too large" };
  if (!B64TOKEN.test(token)) return { kind: "invalid_token", description: "the access token is malformed" };
  return { kind: "token", token };
}
