/** nc_share_delete: ends a share (the file stays; the person, group or link loses access). */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { deleteShare, getShare } from "@/lib/nextcloud/sharing-client";
import { shareId, shareLine, shareOf, shareShape } from "./share-shapes";

export const ncShareDelete = defineNextcloudTool({
  name: "nc_share_delete",
  title: "Stop sharing",
  description: "Ends one of your shares: the person or group loses access, a public link stops working. The file or folder itself stays. Needs files.share.",
  input: z.object({ id: shareId }),
  output: z.object({ deleted: shareShape }),
  annotations: { title: "Stop sharing", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["files.share"],
  async run({ id }, context) {
    const connection = connectionOf(context);
    const deleted = shareOf(await getShare(connection, id));
    await deleteShare(connection, id);
    return { structured: { deleted }, text: `Stopped sharing: ${shareLine(deleted)}.` };
  },
});
