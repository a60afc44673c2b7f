/**
 * Nextcloud's own rules on a bearer-authenticated request, beyond the token,
 * as measured on Nextcloud 32.0.1 + user_oidc 8.10.1 (issue 13):
 *
 * - OCS (`/ocs/v2.php/…`): the CSRF check passes with `OCS-APIRequest: true`
 *   or with an `Authorization` header that starts with `Bearer ` exactly; a
 *   lowercase `bearer` without the header gets 412 `{"message":"CSRF check
 *   failed"}`.
 * - App APIs whose controllers are `#[CORS]` (Notes): without
 *   `OCS-APIRequest: true` the bearer session is logged out and the answer is
 *   401 `{"message":"CORS requires basic auth"}` (nextcloud/server PR #46760,
 *   Nextcloud 30+).
 * - WebDAV (sabre): a refused token gets 401 with
 *   `WWW-Authenticate: Basic realm="Nextcloud"`.
 */
import type { IncomingMessage } from "node:http";
import type { SandboxRoute } from "./route-table";
import type { SeenOutcome } from "./token-log";

export interface CsrfRefusal {
  status: 401 | 412;
  message: string;
  outcome: Extract<SeenOutcome, "cors_requires_basic_auth" | "csrf_check_failed">;
}

const hasOcsHeader = (req: IncomingMessage) => req.headers["ocs-apirequest"] === "true";

export function csrfRefusal(route: Pick<SandboxRoute, "api">, req: IncomingMessage): CsrfRefusal | undefined {
  if (hasOcsHeader(req)) return undefined;
  if (route.api === "app") return { status: 401, message: "CORS requires basic auth", outcome: "cors_requires_basic_auth" };
  if (route.api === "ocs" && !(req.headers.authorization ?? "").startsWith("Bearer ")) {
    return { status: 412, message: "CSRF check failed", outcome: "csrf_check_failed" };
  }
  return undefined;
}

/** RFC 6750 §3: the challenge; without credentials the error attribute is left out (§3.1). */
function bearerChallenge(error?: { code: string; description?: string }): string {
  const parts = ['Bearer realm="Nextcloud sandbox"'];
  if (error) {
    parts.push(`error="${error.code}"`);
    if (error.description) parts.push(`error_description="${error.description.replace(/["\\]/g, "")}"`);
  }
  return parts.join(", ");
}

/** The headers of a 401 for a missing or refused token, in the route's API's manner. */
export function unauthenticatedHeaders(route: Pick<SandboxRoute, "api">, req: IncomingMessage, reason: string): Record<string, string> {
  if (route.api === "webdav") return { "www-authenticate": 'Basic realm="Nextcloud", charset="UTF-8"' };
  const sent = Boolean(req.headers.authorization);
  return { "www-authenticate": bearerChallenge(sent ? { code: "invalid_token", description: reason } : undefined) };
}
