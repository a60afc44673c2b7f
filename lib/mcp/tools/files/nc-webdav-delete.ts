/** nc_webdav_delete: deletes a file or a whole folder, and says what it was. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { deleteItem, statItem } from "@/lib/nextcloud/webdav-client";
import { connectionOf, davPath, entryOf, fileEntry, formatBytes } from "./file-shapes";

export const ncWebdavDelete = defineNextcloudTool({
  name: "nc_webdav_delete",
  title: "Delete a file or folder",
  description: "Deletes a file, or a folder with everything in it, from your Nextcloud files (Nextcloud may keep it in its trash bin). Give etag to delete a file only at that version (folders take no etag). Needs files.read and files.write.",
  input: z.object({ path: davPath("The file or folder"), etag: z.string().max(200).optional() }),
  output: z.object({ deleted: fileEntry }),
  annotations: { title: "Delete a file or folder", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["files.read", "files.write"],
  async run({ path, etag }, context) {
    const connection = connectionOf(context);
    const item = entryOf(await statItem(connection, path));
    // A file is deleted only at the version just read (or the given one); a folder has no such
    // precondition on Nextcloud (sabre refuses If-Match on folders with 412).
    const directory = item.type === "directory";
    await deleteItem(connection, path, directory ? { directory, etag } : { etag: etag ?? item.etag ?? undefined });
    const what = item.type === "directory" ? `the folder ${item.path} and everything in it (${formatBytes(item.size)})` : `the file ${item.path} (${formatBytes(item.size)})`;
    return { structured: { deleted: item }, text: `Deleted ${what}. Nextcloud may keep it in its trash bin.` };
  },
});
