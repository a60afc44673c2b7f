/**
 * nc_share_create_link: a public link — anyone who has the URL can open the
 * file or folder without a Nextcloud account, so this exposes data outside
 * Nextcloud (the description says so; openWorldHint). Optional password and
 * expiry; a folder link may allow uploads.
 */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { createShare, PERMISSION, SHARE_TYPES } from "@/lib/nextcloud/sharing-client";
import { expiryDate, futureDate, shareLine, shareOf, shareShape } from "./share-shapes";

export const ncShareCreateLink = defineNextcloudTool({
  name: "nc_share_create_link",
  title: "Create a public link",
  description:
    "Creates a public link to one of your files or folders. ANYONE WITH THE LINK can open it without signing in: it exposes the data outside Nextcloud, so confirm with the person first and prefer a password and an expiry date. access: \"read\" (view/download) or \"upload\" (folders only: visitors may also add files). Needs files.share.",
  input: z.object({
    path: z.string().min(1).max(4096),
    access: z.enum(["read", "upload"]).default("read"),
    password: z.string().min(1).max(200).optional().describe("Visitors must enter it (Nextcloud's password policy applies)."),
    expires: expiryDate.optional(),
    label: z.string().max(255).optional().describe("A name for the link, shown in Nextcloud."),
  }),
  output: shareShape,
  annotations: { title: "Create a public link", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["files.share"],
  async run(input, context) {
    const share = await createShare(connectionOf(context), {
      path: input.path,
      shareType: SHARE_TYPES.link,
      permissions: input.access === "upload" ? undefined : PERMISSION.read,
      publicUpload: input.access === "upload" ? true : undefined,
      password: input.password,
      expireDate: futureDate(input.expires),
      label: input.label,
    });
    const shaped = shareOf(share);
    const warning = shaped.password_protected ? "" : " It has no password: anyone with the URL can open it.";
    return { structured: shaped, text: `Created a public link: ${shareLine(shaped)}.${warning}` };
  },
});
