/** nc_share_update: changes a share's access, expiry, password (links) or note. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { getShare, PERMISSION, updateShare, type ShareChanges } from "@/lib/nextcloud/sharing-client";
import { ACCESS_LEVELS, expiryDate, futureDate, permissionsFor, shareId, shareLine, shareOf, shareShape } from "./share-shapes";

export const ncShareUpdate = defineNextcloudTool({
  name: "nc_share_update",
  title: "Change a share",
  description:
    'Changes one of your shares (only what you give): access ("read", "edit", "full"; for a public link of a folder also "upload"), expires (YYYY-MM-DD, or null to remove), password for a public link (null removes it), note. Needs files.share.',
  input: z.object({
    id: shareId,
    access: z.enum([...ACCESS_LEVELS, "upload"]).optional(),
    expires: expiryDate.nullable().optional(),
    password: z.string().min(1).max(200).nullable().optional(),
    note: z.string().max(4000).optional(),
  }),
  output: shareShape.extend({ changed: z.array(z.string()) }),
  annotations: { title: "Change a share", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["files.share"],
  async run({ id, access, expires, password, note }, context) {
    const connection = connectionOf(context);
    const current = await getShare(connection, id);
    const changes: ShareChanges = {};
    if (access === "upload") changes.publicUpload = true;
    else if (access !== undefined) changes.permissions = access === "read" ? PERMISSION.read : permissionsFor(access, current.item_type === "file");
    if (expires !== undefined) changes.expireDate = expires === null ? "" : futureDate(expires);
    if (password !== undefined) changes.password = password ?? "";
    if (note !== undefined) changes.note = note;
    const changed = Object.keys(changes).map((k) => (k === "publicUpload" || k === "permissions" ? "access" : k === "expireDate" ? "expires" : k));
    if (changed.length === 0) throw new NextcloudRequestError("invalid", "Nothing to change: give access, expires, password or note.");
    const shaped = shareOf(await updateShare(connection, id, changes));
    return { structured: { ...shaped, changed }, text: `Changed ${changed.join(", ")}: ${shareLine(shaped)}.` };
  },
});
