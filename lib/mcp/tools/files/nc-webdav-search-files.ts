/** nc_webdav_search_files: files and folders whose name contains the query (WebDAV SEARCH). */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { MAX_SEARCH_RESULTS, searchFiles } from "@/lib/nextcloud/search-files";
import { connectionOf, davPath, entryLine, entryOf, fileEntry } from "./file-shapes";

export const ncWebdavSearchFiles = defineNextcloudTool({
  name: "nc_webdav_search_files",
  title: "Search files by name",
  description: "Finds files and folders whose name contains the query (case-insensitive), in all your Nextcloud files or below one folder. Needs files.read.",
  input: z.object({
    query: z.string().min(1).max(200),
    path: davPath("The folder to search in").default("/"),
    limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).default(50),
  }),
  output: z.object({ query: z.string(), scope: z.string(), results: z.array(fileEntry) }),
  annotations: { title: "Search files by name", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["files.read"],
  async run({ query, path, limit }, context) {
    const found = await searchFiles(connectionOf(context), { query, path, limit });
    const results = found.entries.map(entryOf);
    return {
      structured: { query, scope: found.scope, results },
      text: results.length
        ? `${results.length} item${results.length === 1 ? "" : "s"} named like "${query}" in ${found.scope}${results.length === limit ? " (limit reached; there may be more)" : ""}:\n${results.map(entryLine).join("\n")}`
        : `Nothing named like "${query}" in ${found.scope}.`,
    };
  },
});
