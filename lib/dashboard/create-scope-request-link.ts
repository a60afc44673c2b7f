/**
 * "Add scopes" on the dashboard: a provisioning link (the same signed,
 * single-use, 10-minute link a tool would hand out) for the Nextcloud scopes
 * the person picked (only scopes some tool uses: lib/mcp/offered-scopes.ts),
 * bound to the person's own `sub`. The provisioning page
 * then asks the IdP for these plus what was granted before (incremental).
 */
import { z } from "zod";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { createProvisioningLink } from "@/lib/provisioning/provisioning-link";

export const requestedScopesSchema = z
  .array(z.string().refine((s) => offeredResourceScopes().includes(s), "not a Nextcloud scope any tool uses"))
  .min(1, "pick at least one scope")
  .max(32);

export async function createScopeRequestLink(input: { userId: string; scopes: unknown }): Promise<string> {
  const scopes = requestedScopesSchema.parse(input.scopes);
  const link = await createProvisioningLink({ sub: input.userId, needed: [...new Set(scopes)] });
  return link.url;
}
