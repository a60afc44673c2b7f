/**
 * Nextcloud's HTTP answers, turned into what a person can act on. The
 * message names the status and what to do; it never contains Nextcloud's
 * body (which may echo paths of other users, stack traces or internals).
 * Operations pass `overrides` where a status means something specific to
 * them (WebDAV's 409 on PUT/MKCOL: the parent folder is missing, RFC 4918
 * §9.3.1, §9.7.1).
 */
import { NextcloudRequestError, type NextcloudFailure } from "./nextcloud-request";

export interface StatusContext {
  /** What was asked for, e.g. `note 42`, `/Documents/a.md`. */
  subject?: string;
  overrides?: Partial<Record<number, { failure: NextcloudFailure; message: string }>>;
}

export function nextcloudErrorForStatus(status: number, context: StatusContext = {}, waitMs?: number): NextcloudRequestError {
  const override = context.overrides?.[status];
  if (override) return new NextcloudRequestError(override.failure, override.message, status);
  const subject = context.subject ?? "The item";
  const make = (failure: NextcloudFailure, message: string) => new NextcloudRequestError(failure, message, status);
  switch (status) {
    case 400:
      return make("invalid", `Nextcloud rejected the request as invalid (HTTP 400). Check the values you sent.`);
    case 401:
      return make(
        "unauthorized",
        "Nextcloud did not accept this server's access for you (HTTP 401): it expired or was revoked. Provision Nextcloud access again (provision_nextcloud_access), then retry.",
      );
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
