/**
 * provision_nextcloud_access: the link that grants this server Nextcloud
 * access (Flow 2), and what it will grant. The page offers the same set a
 * tool's link offers: every Nextcloud scope the caller's MCP token holds (what
 * its tools will need), all ticked; `scopes` marks the ones the model needs
 * (ticked, not untickable). Already provisioned → says so, and how to add
 * scopes or revoke.
 *
 * The scopes it may ask for are the ones some Nextcloud tool uses, passed in
 * by the catalogue (lib/mcp/tool-catalogue.ts): a tool module cannot import
 * the catalogue it is part of.
 */
import { z } from "zod";
import { formatScope, missingScopes, scopeInfo } from "@/lib/auth/scopes";
import { defineTool, type ToolOutcome } from "@/lib/mcp/tool-definition";
import { findCallerGrant } from "@/lib/mcp/caller-grant";
import { createProvisioningLink } from "@/lib/provisioning/provisioning-link";

const output = z.object({
  status: z.enum(["link_created", "already_provisioned"]),
  provisioning_url: z.string().nullable().describe("Open in a browser to grant access (valid 10 minutes, once)."),
  expires_at: z.string().nullable(),
  requested_scopes: z.array(z.string()).describe("Nextcloud scopes the link asks for (besides those already granted)."),
  granted_scopes: z.array(z.string()).describe("Nextcloud scopes already granted."),
});

type Result = z.output<typeof output>;

/** `offered`: the Nextcloud scopes some tool uses (never empty: account.read at least). */
export const provisionNextcloudAccess = (offered: readonly string[]) => {
  const NEXTCLOUD = offered.length > 0 ? [...offered] : ["account.read"];
  return defineTool({
    name: "provision_nextcloud_access",
    title: "Grant Nextcloud access",
    description:
      "Gives you a link to grant this server access to your Nextcloud, scope by scope (signing in to your AI client does not). " +
      "Without arguments it asks for the Nextcloud scopes your client was granted; pass `scopes` to choose. If access is already provisioned it says so.",
    input: z.object({
      scopes: z
        .array(z.enum(NEXTCLOUD as [string, ...string[]]))
        .max(NEXTCLOUD.length)
        .optional()
        .describe(`Nextcloud scopes to grant, e.g. ["notes.read"]. One of: ${NEXTCLOUD.join(", ")}.`),
    }),
    output,
    annotations: { title: "Grant Nextcloud access", readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    requiredScopes: [],
    async run(input, { caller }): Promise<ToolOutcome<Result>> {
      if (caller.authDisabled) throw new Error("provisioning needs a signed-in user");
      const grant = await findCallerGrant(caller);
      const granted = grant?.active ? grant.scopes : [];
      const held = caller.scopes.filter((s) => NEXTCLOUD.includes(s));
      const wanted = input.scopes ?? held;
      // A token without any Nextcloud scope still gets a useful link: the account's basics.
      const asked = wanted.length > 0 ? wanted : ["account.read"];
      const missing = missingScopes([...asked, ...held], granted);

      if (missing.length === 0) {
        return {
          structured: { status: "already_provisioned", provisioning_url: null, expires_at: null, requested_scopes: [], granted_scopes: granted },
          text:
            `Nextcloud access is already provisioned with: ${granted.map((s) => `${s} (${scopeInfo(s)?.title ?? s})`).join(", ")}. ` +
            "To add scopes, call provision_nextcloud_access with `scopes` naming them (or just use a tool that needs them: it will offer a link). " +
            "To withdraw access, call revoke_nextcloud_access.",
        };
      }
      const needed = input.scopes ? missingScopes(input.scopes, granted) : wanted.length > 0 ? [] : asked;
      const link = await createProvisioningLink({ sub: caller.sub, clientId: caller.clientId, needed, offered: missing });
      const lines = missing.map((s) => `- ${s}: ${scopeInfo(s)?.title ?? s}. ${scopeInfo(s)?.explanation ?? ""}`);
      return {
        structured: { status: "link_created", provisioning_url: link.url, expires_at: link.expiresAt.toISOString(), requested_scopes: missing, granted_scopes: granted },
        text:
          `Open this link to grant Nextcloud access (valid for 10 minutes, once): ${link.url}\n` +
          `It offers ${formatScope(missing)} (the person may untick what is not marked as needed):\n${lines.join("\n")}` +
          (granted.length > 0 ? `\nAlready granted (kept): ${formatScope(granted)}.` : "") +
          "\nWhen the person is done, call the tool you wanted to use again (check_provisioning_status shows what was granted)." +
          "\nYou can revoke the access at any time with revoke_nextcloud_access.",
      };
    },
  });
};
