/**
 * The doctor's account check (`npm run doctor -- --account NAME`, asked for by
 * an admin) as a background job for that one user: a short-lived Nextcloud
 * token from the user's stored grant, read-only scopes only. Kept in lib/jobs
 * because only the job runner may open the background broker (the refresh
 * token); the caller gets the access token, never the refresh token.
 */
import { backgroundToken } from "@/lib/broker/background-token";
import type { BackgroundNextcloudToken } from "@/lib/tokens/token-types";
import { runBackgroundJob } from "./run-background-job";

export const DIAGNOSTIC_SCOPES = ["account.read", "files.read", "notes.read"] as const;

export async function diagnosticNextcloudToken(userId: string, scopes: readonly (typeof DIAGNOSTIC_SCOPES)[number][]): Promise<BackgroundNextcloudToken> {
  const readOnly = scopes.filter((s) => (DIAGNOSTIC_SCOPES as readonly string[]).includes(s));
  if (readOnly.length === 0) throw new Error("a diagnostic token needs at least one read-only scope");
  return runBackgroundJob({ kind: "doctor", userId }, (job) => backgroundToken(job, readOnly));
}
