/**
 * check_provisioning_status: does this server hold delegated Nextcloud access
 * for the caller (Flow 2), and with which scopes? Needs no scope: a client
 * must be able to find out what is missing before asking for anything.
 */
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { defineTool, type ToolOutcome } from "@/lib/mcp/tool-definition";
import { findCallerGrant } from "@/lib/mcp/caller-grant";

const output = z.object({
  is_provisioned: z.boolean().describe("True when Nextcloud access is granted and not revoked."),
  status: z.enum(["provisioned", "not_provisioned", "revoked"]),
  scopes: z.array(z.string()).describe("Nextcloud scopes granted to this server on your behalf."),
  provisioned_at: z.string().nullable().describe("When access was granted (ISO 8601)."),
  flow_type: z.enum(["flow2", "hybrid"]).nullable().describe("flow2: granted separately when first needed; hybrid: granted with the client's sign-in."),
  client_id: z.string().nullable().describe("The MCP client whose request led to the grant."),
  audience: z.string().describe("The Nextcloud audience the grant is for."),
});

type Status = z.output<typeof output>;

export const checkProvisioningStatus = defineTool({
  name: "check_provisioning_status",
  title: "Check Nextcloud access",
  description:
    "Tells whether this server holds delegated access to your Nextcloud (granted separately from signing in, scope by scope), " +
    "which scopes it covers, when and through which client it was granted. Needs no permission.",
  input: z.object({}),
  output,
  annotations: { title: "Check Nextcloud access", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  requiredScopes: [],
  async run(_input, { caller }): Promise<ToolOutcome<Status>> {
    const audience = getConfig().NEXTCLOUD_AUDIENCE;
    const grant = await findCallerGrant(caller);
    if (!grant) {
      return {
        structured: { is_provisioned: false, status: "not_provisioned", scopes: [], provisioned_at: null, flow_type: null, client_id: null, audience },
        text: "Nextcloud access is not provisioned for you. A tool that needs Nextcloud will give you a link to grant exactly the access it needs.",
      };
    }
    const flowType = grant.flowType === "hybrid" ? "hybrid" : "flow2";
    const structured: Status = {
      is_provisioned: grant.revokedAt === null,
      status: grant.revokedAt === null ? "provisioned" : "revoked",
      scopes: grant.revokedAt === null ? grant.scopes : [],
      provisioned_at: grant.provisionedAt.toISOString(),
      flow_type: flowType,
      client_id: grant.clientId,
      audience,
    };
    const text = grant.revokedAt
      ? `Nextcloud access was revoked on ${grant.revokedAt.toISOString()}. A tool that needs Nextcloud will offer a link to grant it again.`
      : `Nextcloud access is provisioned since ${structured.provisioned_at} (${flowType}) with scopes: ${grant.scopes.join(", ") || "none"}.` +
        (grant.clientId ? ` Granted through client ${grant.clientId}.` : "");
    return { structured, text };
  },
});
