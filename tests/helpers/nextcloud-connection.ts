/**
 * A Nextcloud connection for tests that call lib/nextcloud clients directly
 * against a sandbox: a token minted by the test issuer for `sub` with exactly
 * `scopes`, wrapped as the broker would wrap an exchanged token.
 */
import { sessionNextcloudToken } from "@/lib/tokens/token-types";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";
import type { RetryPolicy } from "@/lib/nextcloud/retry-policy";
import type { TestIssuer } from "./test-issuer";

/** Quick retries so fault tests stay fast. */
export const FAST_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 1_500 };

export async function connectionFor(issuer: TestIssuer, baseUrl: string, sub: string, scopes: string[], extra: Partial<NextcloudConnection> = {}): Promise<NextcloudConnection> {
  const accessToken = await issuer.mint({ sub, scope: scopes.join(" ") });
  const token = sessionNextcloudToken({ accessToken, audience: "nextcloud", scopes, expiresAt: new Date(Date.now() + 300_000) });
  return { token, baseUrl, retry: FAST_RETRY, ...extra };
}
