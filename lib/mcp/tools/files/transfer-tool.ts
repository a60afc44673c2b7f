/**
 * nc_webdav_move and nc_webdav_copy share one shape: source, destination,
 * overwrite (default false: an existing destination is a conflict, and
 * nothing changes). The result names both paths and whether something was
 * replaced.
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { transferItem } from "@/lib/nextcloud/webdav-client";
import { connectionOf, davPath } from "./file-shapes";

export function defineTransferTool(method: "MOVE" | "COPY") {
  const verb = method === "MOVE" ? "move" : "copy";
  const past = method === "MOVE" ? "Moved" : "Copied";
  return defineNextcloudTool({
    name: `nc_webdav_${verb}`,
    title: method === "MOVE" ? "Move or rename" : "Copy",
    description:
      method === "MOVE"
        ? "Moves or renames a file or folder in your Nextcloud files. An existing destination is only replaced with overwrite: true. Needs files.write."
        : "Copies a file or folder (with its content) in your Nextcloud files. An existing destination is only replaced with overwrite: true. Needs files.write.",
    input: z.object({
      source: davPath("What to " + verb),
      destination: davPath("The new path (including the name)"),
      overwrite: z.boolean().default(false),
    }),
    output: z.object({ source: z.string(), destination: z.string(), replaced_existing: z.boolean() }),
    annotations: { title: method === "MOVE" ? "Move or rename" : "Copy", readOnlyHint: false, destructiveHint: true, idempotentHint: method === "COPY", openWorldHint: true },
    scopes: ["files.write"],
    async run({ source, destination, overwrite }, context) {
      const result = await transferItem(connectionOf(context), method, source, destination, { overwrite });
      return {
        structured: { source: result.from, destination: result.to, replaced_existing: result.overwritten },
        text: `${past} ${result.from} to ${result.to}${result.overwritten ? `, replacing what was at ${result.to}` : ""}.${method === "MOVE" ? ` ${result.from} no longer exists.` : ""}`,
      };
    },
  });
}

export const ncWebdavMove = defineTransferTool("MOVE");
export const ncWebdavCopy = defineTransferTool("COPY");
