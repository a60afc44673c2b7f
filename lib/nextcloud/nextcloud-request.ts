/**
 * One HTTP request to Nextcloud with a Nextcloud token (session or
 * background). Failures become a NextcloudRequestError whose message is safe
 * to show: the status and a fixed explanation, never Nextcloud's raw body and
 * never the token.
 */
import { bearerHeader, type NextcloudToken } from "@/lib/broker/token-types";
import { nextcloudBaseUrl } from "./nextcloud-base-url";

export type NextcloudFailure = "unauthorized" | "forbidden" | "not_found" | "conflict" | "too_large" | "invalid" | "unavailable" | "unexpected";

export class NextcloudRequestError extends Error {
  constructor(
    readonly failure: NextcloudFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "NextcloudRequestError";
  }

  /** Worth trying again later (Nextcloud down or overloaded). */
  get retryable(): boolean {
    return this.failure === "unavailable";
  }
}

const TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

function failureFor(status: number): NextcloudRequestError {
  if (status === 401) return new NextcloudRequestError("unauthorized", "Nextcloud did not accept the access token (HTTP 401).", status);
  if (status === 403) return new NextcloudRequestError("forbidden", "Nextcloud refused the request: the token lacks the permission it needs (HTTP 403).", status);
  if (status === 404) return new NextcloudRequestError("not_found", "Nextcloud has no such resource (HTTP 404).", status);
  if (status >= 500 || status === 429) return new NextcloudRequestError("unavailable", `Nextcloud is unavailable right now (HTTP ${status}); try again shortly.`, status);
  return new NextcloudRequestError("unexpected", `Nextcloud answered with an unexpected HTTP ${status}.`, status);
}

export interface NextcloudRequest {
  token: NextcloudToken;
  /** Path (and query) under the Nextcloud base URL, e.g. `/ocs/v2.php/cloud/user?format=json`. */
  path: string;
  method?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends the request and returns the parsed JSON body of a 2xx answer. */
export async function requestNextcloudJson(request: NextcloudRequest): Promise<unknown> {
  const url = new URL(request.path, `${nextcloudBaseUrl()}/`);
  const signals = [AbortSignal.timeout(TIMEOUT_MS), ...(request.signal ? [request.signal] : [])];
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? "GET",
      headers: { accept: "application/json", ...request.headers, authorization: bearerHeader(request.token) },
      redirect: "error",
      signal: AbortSignal.any(signals),
    });
  } catch {
    throw new NextcloudRequestError("unavailable", `Nextcloud at ${url.origin} cannot be reached right now; try again shortly.`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw failureFor(response.status);
  }
  const text = await response.text();
  if (text.length > MAX_BODY_BYTES) throw new NextcloudRequestError("unexpected", "Nextcloud sent an oversized answer.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new NextcloudRequestError("unexpected", "Nextcloud sent an answer that is not JSON.");
  }
}
