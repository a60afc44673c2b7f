/**
 * The error every Nextcloud client throws (send-nextcloud-request.ts sends
 * the requests). Its message is safe to show: the status and a fixed
 * explanation, never Nextcloud's raw body and never the token.
 */

export type NextcloudFailure = "unauthorized" | "forbidden" | "not_found" | "conflict" | "too_large" | "invalid" | "unavailable" | "unexpected";

/**
 * Why Nextcloud refused a token or a request, where that can be told apart
 * (nextcloud-error-for-status.ts): the fix differs — the admin, a proxy, or a
 * retry — and none of them is "provision again".
 */
export type NextcloudRefusalReason = "cors_requires_basic_auth" | "csrf_check_failed" | "token_not_trusted" | "token_expired" | "scope_not_granted";

export class NextcloudRequestError extends Error {
  constructor(
    readonly failure: NextcloudFailure,
    message: string,
    readonly status?: number,
    readonly reason?: NextcloudRefusalReason,
  ) {
    super(message);
    this.name = "NextcloudRequestError";
  }

  /** Worth trying again later (Nextcloud down or overloaded). */
  get retryable(): boolean {
    return this.failure === "unavailable";
  }
}
