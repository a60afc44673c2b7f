/**
 * revoke_nextcloud_access: withdraws this server's Nextcloud access for the
 * caller — revoked at the IdP (RFC 7009), deleted here. Idempotent: without
 * a grant it says there is nothing to revoke. The one tool that touches the
 * stored refresh token (to present it for revocation); see
 * lib/provisioning/revoke-nextcloud-grant.ts (through lib/mcp/caller-grant.ts).
 */
import { z } from "zod";
import { IdpRefusedError, IdpUnreachableError } from "@/lib/oidc/idp-errors";
import { defineTool, type ToolOutcome } from "@/lib/mcp/tool-definition";
import { revokeCallerGrant } from "@/lib/mcp/caller-grant";

const output = z.object({
  status: z.enum(["revoked", "nothing_to_revoke", "retry_later", "refused_by_idp"]),
  revoked_scopes: z.array(z.string()),
  /** App-password mode: whether Nextcloud confirmed deleting the app password (pending: remove it under Settings → Security). */
  nextcloud_app_password: z.enum(["deleted", "pending"]).optional(),
});

type Result = z.output<typeof output>;

export const revokeNextcloudAccess = defineTool({
  name: "revoke_nextcloud_access",
  title: "Revoke Nextcloud access",
  description: "Withdraws all Nextcloud access you granted this server: revoked at the identity provider and deleted here. Tools that need Nextcloud will ask again.",
  input: z.object({}),
  output,
  annotations: { title: "Revoke Nextcloud access", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  requiredScopes: [],
  async run(_input, { caller }): Promise<ToolOutcome<Result>> {
    if (caller.authDisabled) throw new Error("revocation needs a signed-in user");
    try {
      const outcome = await revokeCallerGrant(caller);
      if (!outcome.revoked) {
        return { structured: { status: "nothing_to_revoke", revoked_scopes: [] }, text: "There is nothing to revoke: this server holds no Nextcloud access for you." };
      }
      const appPassword = outcome.nextcloud === "none" ? {} : { nextcloud_app_password: outcome.nextcloud };
      const pending =
        outcome.nextcloud === "pending"
          ? ` Nextcloud could not be reached to delete the app password of account ${outcome.nextcloudAccount ?? "?"}: this server will never use it again, but remove it in Nextcloud under Settings → Security (the dashboard shows it as pending and retries).`
          : "";
      return {
        structured: { status: "revoked", revoked_scopes: outcome.scopes, ...appPassword },
        text: `Nextcloud access revoked (${outcome.scopes.join(", ")}). This server can no longer act in your Nextcloud; tools that need it will ask you again.${pending}`,
      };
    } catch (error) {
      if (error instanceof IdpRefusedError) {
        // Not revoked at the IdP, so not deleted here either (the token may still be live there).
        return {
          structured: { status: "refused_by_idp", revoked_scopes: [] },
          text: `The identity provider refused to revoke your Nextcloud access (${error.error}), so nothing was revoked and your access is unchanged. Ask the administrator, or revoke it at the identity provider.`,
        };
      }
      if (!(error instanceof IdpUnreachableError)) throw error;
      return {
        structured: { status: "retry_later", revoked_scopes: [] },
        text: "The identity provider cannot be reached right now, so nothing was revoked yet (your access is unchanged). Try again in a moment.",
      };
    }
  },
});
