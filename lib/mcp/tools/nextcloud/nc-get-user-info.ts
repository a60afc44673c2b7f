/**
 * nc_get_user_info: the Nextcloud account behind the caller — id, display
 * name, email, quota and groups — from the OCS provisioning API. The first
 * tool to carry the whole path: guard → RFC 8693 session token (account.read
 * only) → Nextcloud.
 */
import { z } from "zod";
import { getCurrentUser } from "@/lib/nextcloud/get-current-user";
import { usesSandbox } from "@/lib/nextcloud/nextcloud-base-url";
import { connectionOf, defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";

const bytes = z.number().nullable();

function formatBytes(value: number | null): string {
  if (value === null) return "unknown";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let n = value;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export const ncGetUserInfo = defineNextcloudTool({
  name: "nc_get_user_info",
  title: "Nextcloud account",
  description: "Shows your Nextcloud account: user id, display name, email, storage quota and groups. Needs Nextcloud access with account.read.",
  input: z.object({}),
  output: z.object({
    id: z.string().describe("Your Nextcloud user id."),
    display_name: z.string(),
    email: z.string().nullable(),
    groups: z.array(z.string()),
    quota: z.object({
      used_bytes: bytes,
      free_bytes: bytes,
      total_bytes: bytes,
      relative_percent: z.number().nullable(),
      unlimited: z.boolean().describe("True when Nextcloud sets no storage limit for you."),
    }),
    sandbox: z.boolean().describe("True when this server talks to its Nextcloud sandbox (test and demo data), not a real Nextcloud."),
  }),
  annotations: { title: "Nextcloud account", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["account.read"],
  async run(_input, context) {
    const user = await getCurrentUser(connectionOf(context));
    const sandbox = usesSandbox();
    return {
      structured: {
        id: user.id,
        display_name: user.displayName,
        email: user.email,
        groups: user.groups,
        quota: {
          used_bytes: user.quota.usedBytes,
          free_bytes: user.quota.freeBytes,
          total_bytes: user.quota.totalBytes,
          relative_percent: user.quota.relativePercent,
          unlimited: user.quota.unlimited,
        },
        sandbox,
      },
      text:
        `Nextcloud user ${user.id} (${user.displayName})` +
        `${user.email ? `, email ${user.email}` : ""}. ` +
        (user.quota.unlimited
          ? `Storage: ${formatBytes(user.quota.usedBytes)} used, unlimited quota. `
          : `Storage: ${formatBytes(user.quota.usedBytes)} used of ${formatBytes(user.quota.totalBytes)}` +
            `${user.quota.relativePercent !== null ? ` (${user.quota.relativePercent}%)` : ""}. `) +
        `Groups: ${user.groups.join(", ") || "none"}.`,
    };
  },
});
