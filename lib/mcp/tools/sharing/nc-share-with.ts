/** nc_share_with: shares a file or folder with a Nextcloud user or group, read-only or editable. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { createShare, SHARE_TYPES } from "@/lib/nextcloud/sharing-client";
import { ACCESS_LEVELS, expiryDate, futureDate, permissionsFor, shareLine, shareOf, shareShape } from "./share-shapes";

export const ncShareWith = defineNextcloudTool({
  name: "nc_share_with",
  title: "Share with a person or group",
  description:
    'Shares one of your files or folders with a Nextcloud user or group. access: "read" (view and download), "edit" (also change; in a folder also add and delete) or "full" (edit and reshare). Optional expiry date and a note for them. Needs files.share.',
  input: z.object({
    path: z.string().min(1).max(4096).describe('The file or folder, e.g. "/Documents/Project plan.md".'),
    with: z.string().min(1).max(64).describe("The Nextcloud user id (or group id with type group)."),
    type: z.enum(["user", "group"]).default("user"),
    access: z.enum(ACCESS_LEVELS).default("read"),
    is_file: z.boolean().optional().describe("True for a file (a file cannot get add/delete rights); leave out when unsure: Nextcloud decides."),
    expires: expiryDate.optional(),
    note: z.string().max(4000).optional(),
  }),
  output: shareShape,
  annotations: { title: "Share with a person or group", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["files.share"],
  async run(input, context) {
    const share = await createShare(connectionOf(context), {
      path: input.path,
      shareType: input.type === "group" ? SHARE_TYPES.group : SHARE_TYPES.user,
      shareWith: input.with,
      // Without is_file, "edit" asks for a file's rights (read + update); Nextcloud gives a folder no more than asked.
      permissions: permissionsFor(input.access, input.is_file ?? true),
      expireDate: futureDate(input.expires),
      note: input.note,
    });
    const shaped = shareOf(share);
    return { structured: shaped, text: `Shared: ${shareLine(shaped)}.` };
  },
});
