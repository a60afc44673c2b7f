"use server";
/**
 * Nextcloud access: ask for more scopes (through a provisioning link bound to
 * the signed-in person), remove some (the IdP grant and the stored grant are
 * narrowed together), or revoke it all — the same revocation as the
 * revoke_nextcloud_access tool (RFC 7009 at the IdP, then the stored grant is
 * deleted). Each action re-checks the person and the Origin and validates
 * its input. The search index switch: off deletes the index and stops the
 * background jobs; on schedules a sync.
 */
import { redirect } from "next/navigation";
import { z } from "zod";
import { createScopeRequestLink, requestedScopesSchema } from "@/lib/dashboard/create-scope-request-link";
import { narrowNextcloudAccess } from "@/lib/dashboard/narrow-nextcloud-access";
import { authorizeAction } from "@/lib/dashboard/session";
import { log } from "@/lib/log";
import { ensureSyncJobs, setSearchEnabled } from "@/lib/search/sync-job-state";
import { revokeNextcloudGrant } from "@/lib/provisioning/revoke-nextcloud-grant";
import { retryPendingRevocations } from "@/lib/provisioning/pending-app-password-revocations";

const PAGE = "/dashboard/nextcloud";

export async function requestScopesAction(formData: FormData): Promise<void> {
  const user = await authorizeAction({ returnTo: PAGE });
  const parsed = requestedScopesSchema.safeParse(formData.getAll("scope"));
  if (!parsed.success) redirect(`${PAGE}?error=no_scopes`);
  redirect(await createScopeRequestLink({ userId: user.id, scopes: parsed.data }));
}

export async function revokeNextcloudAction(): Promise<void> {
  const user = await authorizeAction({ returnTo: PAGE });
  let outcome: "revoked" | "revoked_pending" | "none" | "failed";
  try {
    const result = await revokeNextcloudGrant({ userId: user.id });
    outcome = !result.revoked ? "none" : result.nextcloud === "pending" ? "revoked_pending" : "revoked";
  } catch (error) {
    log.warn("dashboard could not revoke Nextcloud access", { userId: user.id, reason: error instanceof Error ? error.message : String(error) });
    outcome = "failed";
  }
  redirect(outcome === "revoked" || outcome === "revoked_pending" ? `${PAGE}?done=${outcome}` : `${PAGE}?error=${outcome === "none" ? "nothing_to_revoke" : "revoke_failed"}`);
}

/** Retries deleting app passwords at Nextcloud that a revocation could not delete (Nextcloud was down). */
export async function retryAppPasswordRevocationAction(): Promise<void> {
  const user = await authorizeAction({ returnTo: PAGE });
  const pending = await retryPendingRevocations(user.id);
  redirect(pending.length === 0 ? `${PAGE}?done=nextcloud_deleted` : `${PAGE}?error=nextcloud_still_unreachable`);
}

export async function narrowNextcloudAction(formData: FormData): Promise<void> {
  const user = await authorizeAction({ returnTo: PAGE });
  let outcome: string;
  try {
    const result = await narrowNextcloudAccess({ userId: user.id, keep: formData.getAll("scope") });
    outcome = result.narrowed ? "done=narrowed" : `error=${result.reason}`;
    // A source whose read scope was removed leaves the index now, not at the next tick.
    if (result.narrowed) await ensureSyncJobs(user.id);
  } catch (error) {
    log.warn("dashboard could not narrow Nextcloud access", { userId: user.id, reason: error instanceof Error ? error.message : String(error) });
    outcome = "error=narrow_failed";
  }
  redirect(`${PAGE}?${outcome}`);
}

const searchSwitch = z.enum(["on", "off"]);

export async function setSearchIndexAction(formData: FormData): Promise<void> {
  const user = await authorizeAction({ returnTo: PAGE });
  const parsed = searchSwitch.safeParse(formData.get("search"));
  if (!parsed.success) redirect(`${PAGE}?error=search_failed`);
  let outcome: string;
  try {
    await setSearchEnabled(user.id, parsed.data === "on");
    outcome = `done=search_${parsed.data}`;
  } catch (error) {
    log.warn("dashboard could not switch the search index", { userId: user.id, reason: error instanceof Error ? error.message : String(error) });
    outcome = "error=search_failed";
  }
  redirect(`${PAGE}?${outcome}#search-index`);
}
