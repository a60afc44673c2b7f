/**
 * What Nextcloud's answer to a refused request says beyond its status, read
 * from the first bytes of the body (never shown to anyone):
 *
 * - 401 `{"message":"CORS requires basic auth"}`: an app API (`#[CORS]`) got
 *   a bearer request without `OCS-APIRequest: true` (nextcloud-api.ts);
 * - 412 `{"message":"CSRF check failed"}`: an OCS or app request failed
 *   Nextcloud's CSRF check (no `OCS-APIRequest` header);
 * - OCS `statuscode` 997: "Current user is not logged in" — the token was
 *   not accepted (user_oidc validates JWTs offline: signature against its
 *   cached JWKS, `iss`, `aud` = the provider's client id, `exp`).
 */
export type NextcloudRefusal = "cors_requires_basic_auth" | "csrf_check_failed" | "not_logged_in";

export function classifyRefusal(status: number, body: string): NextcloudRefusal | undefined {
  if (status !== 401 && status !== 412) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // XML (OCS default, sabre) or HTML: look for the OCS status code.
    if (status === 401 && /<statuscode>\s*997\s*<\/statuscode>/.test(body)) return "not_logged_in";
    return status === 401 ? "not_logged_in" : undefined;
  }
  const message = typeof (parsed as { message?: unknown })?.message === "string" ? (parsed as { message: string }).message : "";
  if (status === 401 && /CORS requires basic auth/i.test(message)) return "cors_requires_basic_auth";
  if (status === 412 && /CSRF check failed/i.test(message)) return "csrf_check_failed";
  if (status === 401) return "not_logged_in";
  return undefined;
}
