/**
 * The last step both ways of granting Nextcloud access share (the Flow 2
 * callback, complete-provisioning.ts, and hybrid consent,
 * record-hybrid-grant.ts): store the grant, then audit it the same way —
 * "scopes_added" with just the new scopes when an existing grant gained some,
 * otherwise "provisioned" with every scope the grant now holds — and ask
 * for the search index's sync to run now, so a person gets search results
 * within a minute of granting access (lib/search/sync-job-state.ts; nothing
 * when they switched the index off).
 */
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { requestSync } from "@/lib/search/sync-job-state";
import { log } from "@/lib/log";
import { saveGrant, type SaveGrantInput, type SaveGrantResult } from "./grant-store";

export async function saveProvisionedGrant(input: SaveGrantInput, options: { reportRenewal?: boolean } = {}): Promise<SaveGrantResult> {
  const saved = await saveGrant(input);
  const event = !saved.created && saved.addedScopes.length > 0 ? "scopes_added" : "provisioned";
  // reportRenewal: an existing grant saved again says whether it only renewed the refresh token.
  const renewal = options.reportRenewal && !saved.created ? { renewed: saved.addedScopes.length === 0 } : {};
  await recordAuditEvent({
    event,
    outcome: "success",
    userId: input.userId,
    clientId: input.clientId,
    scopes: event === "scopes_added" ? saved.addedScopes : saved.grant.scopes,
    detail: { flowType: input.flowType, ...renewal },
  });
  await requestSync(input.userId).catch((error: unknown) =>
    log.warn("could not schedule the search index's first sync", { reason: error instanceof Error ? error.message : String(error) }),
  );
  return saved;
}
