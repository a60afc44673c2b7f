/** nc_share_list: the shares of a file or folder (or all of yours), or what others shared with you. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { listShares } from "@/lib/nextcloud/sharing-client";
import { shareLine, shareOf, shareShape } from "./share-shapes";

export const ncShareList = defineNextcloudTool({
  name: "nc_share_list",
  title: "List shares",
  description:
    "Lists who your files are shared with: the shares of one file or folder (path; with include_children the shares of the items directly in a folder), all your shares (no path), or with shared_with_me the files others shared with you. Shows public links with their URL and expiry. Needs files.share.",
  input: z.object({
    path: z.string().min(1).max(4096).optional().describe('A file or folder in your files, e.g. "/Documents/Project plan.md".'),
    include_children: z.boolean().default(false),
    shared_with_me: z.boolean().default(false),
  }),
  output: z.object({ shares: z.array(shareShape) }),
  annotations: { title: "List shares", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["files.share"],
  async run({ path, include_children, shared_with_me }, context) {
    const shares = (await listShares(connectionOf(context), { path, subfiles: include_children, sharedWithMe: shared_with_me })).map(shareOf);
    const what = shared_with_me ? "shared with you" : path ? `of ${path}` : "of yours";
    return { structured: { shares }, text: shares.length ? `${shares.length} share${shares.length === 1 ? "" : "s"} ${what}:\n${shares.map((s) => `- ${shareLine(s)}`).join("\n")}` : `No shares ${what}.` };
  },
});
