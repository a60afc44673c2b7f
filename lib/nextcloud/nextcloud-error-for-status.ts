/**
 * Nextcloud's HTTP answers, turned into what a person can act on. The
 * message names the status and what to do; it never contains Nextcloud's
 * body (which may echo paths of other users, stack traces or internals).
 * A 401 (and a 412 CSRF refusal) is explained from what Nextcloud said and
 * what the token was (unauthorized() below), before any override.
 * Operations pass `overrides` where a status means something specific to
 * them (WebDAV's 409 on PUT/MKCOL: the parent folder is missing, RFC 4918
 * §9.3.1, §9.7.1).
 */
import type { NextcloudRefusal } from "./classify-refusal";
import { NextcloudRequestError, type NextcloudFailure } from "./nextcloud-request";

/** What is known about a refusal besides its status (send-nextcloud-request.ts fills it in). */
export interface RefusalDetail {
  /** What Nextcloud's body said (classify-refusal.ts). */
  refusal?: NextcloudRefusal;
  /** The token that was sent had expired by the time the answer came. */
  tokenExpired?: boolean;
}

const SETUP_DOC = "docs/nextcloud-setup.md";

/**
 * A 401 with a token this server just obtained by exchange: the person's
 * access is valid at the identity provider (the exchange checks the grant),
 * so provisioning again cannot help. Nextcloud validates the JWT offline, and
 * what it checks is set up by its admin (issue 13, measured on user_oidc
 * 8.10.1): the signing key must be in user_oidc's cached JWKS (cached for an
 * hour, not refetched for an unknown kid), `aud` must equal the provider's
 * client id, and a provider with bearer checking must trust this issuer.
 */
function unauthorized(detail: RefusalDetail): NextcloudRequestError {
  if (detail.refusal === "cors_requires_basic_auth") {
    return new NextcloudRequestError(
      "unauthorized",
      "Nextcloud refused the request with \"CORS requires basic auth\" (HTTP 401): its app API got a bearer token without the header OCS-APIRequest: true. " +
        "This server always sends that header, so something between it and Nextcloud (a reverse proxy) removes it; the admin must let it through. Provisioning again will not help.",
      401,
      "cors_requires_basic_auth",
    );
  }
  if (detail.tokenExpired) {
    return new NextcloudRequestError(
      "unauthorized",
      "Nextcloud refused the access token because it had expired when Nextcloud checked it (HTTP 401; Nextcloud allows no clock leeway). Try again; if this repeats, the clocks of Nextcloud and this server differ and the admin should synchronise them (NTP).",
      401,
      "token_expired",
    );
  }
  return new NextcloudRequestError(
    "unauthorized",
    "Nextcloud did not accept the access token this server obtained for you (HTTP 401), although your access is valid at the identity provider — provisioning again will not help. " +
      "Tell your Nextcloud admin; the usual causes are: the identity provider signs with a new signing key that Nextcloud's user_oidc has not fetched yet (it caches the keys for an hour; re-saving the provider with occ user_oidc:provider refreshes them), " +
      `the user_oidc provider's client id is not the token audience, or no user_oidc provider with --check-bearer=1 trusts this identity provider (see ${SETUP_DOC}).`,
    401,
    "token_not_trusted",
  );
}

export interface StatusContext {
  /** What was asked for, e.g. `note 42`, `/Documents/a.md`. */
  subject?: string;
  overrides?: Partial<Record<number, { failure: NextcloudFailure; message: string }>>;
}

export function nextcloudErrorForStatus(status: number, context: StatusContext = {}, waitMs?: number, detail: RefusalDetail = {}): NextcloudRequestError {
  if (status === 401) return unauthorized(detail);
  if (status === 412 && detail.refusal === "csrf_check_failed") {
    return new NextcloudRequestError(
      "unauthorized",
      "Nextcloud refused the request with \"CSRF check failed\" (HTTP 412): it arrived without the header OCS-APIRequest: true, which this server always sends — a proxy between it and Nextcloud removes it; the admin must let it through. Nothing was changed.",
      412,
      "csrf_check_failed",
    );
  }
  const override = context.overrides?.[status];
  if (override) return new NextcloudRequestError(override.failure, override.message, status);
  const subject = context.subject ?? "The item";
  const make = (failure: NextcloudFailure, message: string) => new NextcloudRequestError(failure, message, status);
  switch (status) {
    case 400:
      return make("invalid", `Nextcloud rejected the request as invalid (HTTP 400). Check the values you sent.`);
    case 403:
      return make("forbidden", `Nextcloud refused this (HTTP 403): the access you granted lacks the permission it needs, or Nextcloud does not allow it for ${subject}.`);
    case 404:
      return make("not_found", `${subject} does not exist in Nextcloud (HTTP 404).`);
    case 405:
      return make("invalid", `Nextcloud does not allow this operation on ${subject} (HTTP 405).`);
    case 409:
      return make("conflict", `${subject} conflicts with its current state in Nextcloud (HTTP 409); nothing was changed. Get it again and retry.`);
    case 412:
      return make("conflict", `${subject} changed in Nextcloud since you read it (its etag no longer matches), so nothing was changed. Get it again, then reapply your change.`);
    case 413:
      return make("too_large", `${subject} is too large for Nextcloud to accept (HTTP 413).`);
    case 415:
      return make("invalid", `Nextcloud does not accept this kind of content (HTTP 415).`);
    case 423:
      return make("conflict", `${subject} is locked in Nextcloud (HTTP 423); nothing was changed. Try again once it is unlocked.`);
    case 507:
      return make("too_large", `There is not enough storage left in your Nextcloud quota (HTTP 507); nothing was stored. Free some space and retry.`);
  }
  if (status === 429 || status >= 500) {
    const wait = waitMs !== undefined ? ` Nextcloud asked to wait ${Math.ceil(waitMs / 1000)} s.` : "";
    return make("unavailable", `Nextcloud is unavailable right now (HTTP ${status}); try again later.${wait}`);
  }
  return make("unexpected", `Nextcloud answered with an unexpected HTTP ${status}.`);
}
