/**
 * What the broker tells its callers when the IdP says no, or says nothing.
 * Two different situations, never mixed up:
 *
 * - IdpRefusedError: the IdP answered with an OAuth error (RFC 6749 §5.2,
 *   RFC 8693 §2.2.2): invalid_grant, invalid_scope, invalid_target, … It is
 *   final for this request; retrying the same call will not help.
 * - IdpUnreachableError: no answer, a timeout, a 5xx or an answer that is not
 *   OAuth at all. Retryable; nothing was changed on our side.
 *
 * Messages are safe to show: OAuth error codes and descriptions only, never
 * request parameters (which hold tokens and the client secret).
 */
import { ResponseBodyError } from "openid-client";
import { parseScope } from "@/lib/auth/scopes";
import { IdpUnavailableError } from "@/lib/oidc/server-client";

export class IdpRefusedError extends Error {
  constructor(
    /** The RFC 6749 §5.2 error code. */
    readonly error: string,
    readonly description: string | undefined,
    /** For invalid_scope: the scopes the IdP named (oidc-provider sends them in `scope`). */
    readonly scopes: string[] = [],
  ) {
    super(`the identity provider refused the request: ${error}${description ? ` (${description})` : ""}`);
    this.name = "IdpRefusedError";
  }
}

export class IdpUnreachableError extends Error {
  readonly retryable = true;
  constructor(reason: string) {
    super(`the identity provider cannot be reached right now (${reason}); try again shortly`);
    this.name = "IdpUnreachableError";
  }
}

const TRANSIENT_ERRORS = new Set(["server_error", "temporarily_unavailable"]);

/** Maps anything openid-client (or the discovery) threw to one of the two kinds. */
export function classifyIdpError(error: unknown): IdpRefusedError | IdpUnreachableError {
  if (error instanceof IdpRefusedError || error instanceof IdpUnreachableError) return error;
  if (error instanceof ResponseBodyError) {
    if (error.status >= 500 || TRANSIENT_ERRORS.has(error.error)) return new IdpUnreachableError(`HTTP ${error.status} ${error.error}`);
    const scope = (error.cause as { scope?: unknown } | undefined)?.scope;
    return new IdpRefusedError(error.error, error.error_description, typeof scope === "string" ? parseScope(scope) : []);
  }
  if (error instanceof IdpUnavailableError) return new IdpUnreachableError("discovery failed");
  const name = error instanceof Error ? error.name : "unknown";
  const code = (error as { code?: unknown } | null)?.code;
  return new IdpUnreachableError(typeof code === "string" ? `${name} ${code}` : name);
}
