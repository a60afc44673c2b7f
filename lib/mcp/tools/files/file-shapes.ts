/**
 * How files and folders look in tool results (structuredContent and text),
 * shared by the nc_webdav_* tools.
 */
import { z } from "zod";
import type { NextcloudToolContext } from "@/lib/mcp/define-nextcloud-tool";
import { displayDavPath } from "@/lib/nextcloud/normalize-dav-path";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";
import type { DavEntry } from "@/lib/nextcloud/webdav-client";

export const davPath = (what: string) => z.string().min(1).max(4096).describe(`${what}, from the root of your Nextcloud files, e.g. "/Documents/report.md".`);

export const fileEntry = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(["file", "directory"]),
  size: z.number().nullable().describe("Bytes (a folder's: everything in it)."),
  modified: z.string().nullable(),
  etag: z.string().nullable(),
  content_type: z.string().nullable(),
  file_id: z.string().nullable(),
  favorite: z.boolean(),
});

export function entryOf(entry: DavEntry): z.output<typeof fileEntry> {
  return {
    name: entry.name || "/",
    path: displayDavPath(entry.segments),
    type: entry.type,
    size: entry.size,
    modified: entry.lastModified,
    etag: entry.etag,
    content_type: entry.contentType,
    file_id: entry.fileId,
    favorite: entry.favorite,
  };
}

export function formatBytes(value: number | null): string {
  if (value === null) return "size unknown";
  if (value < 1024) return `${value} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let n = value / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(1)} ${units[i]}`;
}

export function entryLine(entry: z.output<typeof fileEntry>): string {
  return entry.type === "directory" ? `- ${entry.path}/ (folder, ${formatBytes(entry.size)})` : `- ${entry.path} (${formatBytes(entry.size)}${entry.content_type ? `, ${entry.content_type}` : ""}${entry.modified ? `, changed ${entry.modified}` : ""})`;
}

export { connectionOf } from "@/lib/mcp/define-nextcloud-tool";
