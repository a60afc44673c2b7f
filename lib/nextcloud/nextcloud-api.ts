/**
 * The one place that decides which headers a request to Nextcloud carries,
 * by the kind of API it goes to. Measured on Nextcloud 32.0.1 + user_oidc
 * 8.10.1 (issue 13):
 *
 * - `ocs` (/ocs/v2.php/…): `OCS-APIRequest: true`. Nextcloud's CSRF check
 *   passes for a correctly spelled `Bearer` even without it, but a request
 *   that carries it passes regardless (a lowercase `bearer` without it gets
 *   412 "CSRF check failed").
 * - `app`: an app's own REST API under /index.php/apps/<app>/api/… (Notes now,
 *   Deck later). Their controllers are `#[CORS]`: since Nextcloud 30
 *   (nextcloud/server PR #46760) a bearer-authenticated request to such a
 *   controller is logged out ("CORS requires basic auth", 401) unless it
 *   passes the CSRF check, which `OCS-APIRequest: true` does. (The real fixes,
 *   server PR #55878 and user_oidc PR #1221, are not merged.)
 * - `webdav` (/remote.php/dav/…): sabre/dav needs nothing extra.
 */
export type NextcloudApi = "ocs" | "app" | "webdav";

const JSON_ACCEPT = "application/json";

export function headersForApi(api: NextcloudApi): Record<string, string> {
  switch (api) {
    case "ocs":
      return { "OCS-APIRequest": "true", accept: JSON_ACCEPT };
    case "app":
      return { "OCS-APIRequest": "true", accept: JSON_ACCEPT };
    case "webdav":
      return {};
  }
}
