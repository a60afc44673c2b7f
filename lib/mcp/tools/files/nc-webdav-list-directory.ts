/** nc_webdav_list_directory: what a folder holds (PROPFIND depth 1), folders first. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { listDirectory } from "@/lib/nextcloud/webdav-client";
import { connectionOf, davPath, entryLine, entryOf, fileEntry } from "./file-shapes";

export const ncWebdavListDirectory = defineNextcloudTool({
  name: "nc_webdav_list_directory",
  title: "List a folder",
  description: "Lists the files and folders in a folder of your Nextcloud files, with size, last change, type and etag. Needs files.read.",
  input: z.object({ path: davPath("The folder").default("/") }),
  output: z.object({ directory: fileEntry, entries: z.array(fileEntry) }),
  annotations: { title: "List a folder", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["files.read"],
  async run({ path }, context) {
    const listing = await listDirectory(connectionOf(context), path);
    const entries = listing.entries.map(entryOf).sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === "directory" ? -1 : 1));
    const directory = entryOf(listing.directory);
    return {
      structured: { directory, entries },
      text: entries.length ? `${directory.path} holds ${entries.length} item${entries.length === 1 ? "" : "s"}:\n${entries.map(entryLine).join("\n")}` : `${directory.path} is empty.`,
    };
  },
});
