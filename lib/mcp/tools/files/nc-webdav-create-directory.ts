/** nc_webdav_create_directory: a new folder (MKCOL); its parent must exist. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { createDirectory } from "@/lib/nextcloud/webdav-client";
import { connectionOf, davPath } from "./file-shapes";

export const ncWebdavCreateDirectory = defineNextcloudTool({
  name: "nc_webdav_create_directory",
  title: "Create a folder",
  description: "Creates a folder in your Nextcloud files. Its parent folder must already exist. Needs files.write.",
  input: z.object({ path: davPath("The new folder") }),
  output: z.object({ path: z.string(), created: z.literal(true) }),
  annotations: { title: "Create a folder", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["files.write"],
  async run({ path }, context) {
    const result = await createDirectory(connectionOf(context), path);
    return { structured: { path: result.path, created: true as const }, text: `Created the folder ${result.path}.` };
  },
});
