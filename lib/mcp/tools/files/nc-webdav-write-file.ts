/**
 * nc_webdav_write_file: creates or overwrites a file (PUT). `etag` makes an
 * overwrite conditional (If-Match); `overwrite: false` refuses to replace an
 * existing file (If-None-Match: *). The result says whether a file was
 * created or replaced.
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { writeFile } from "@/lib/nextcloud/webdav-client";
import { connectionOf, davPath, formatBytes } from "./file-shapes";

export const WRITE_LIMIT = 10 * 1024 * 1024;

export const ncWebdavWriteFile = defineNextcloudTool({
  name: "nc_webdav_write_file",
  title: "Write a file",
  description:
    "Writes a file in your Nextcloud files: creates it, or replaces an existing one. Give etag to replace only that version; set overwrite to false to never replace. Content is text, or base64 with encoding \"base64\". The folder must exist. Needs files.write.",
  input: z.object({
    path: davPath("The file"),
    content: z.string().max(Math.ceil((WRITE_LIMIT * 4) / 3) + 4),
    encoding: z.enum(["utf8", "base64"]).default("utf8"),
    content_type: z.string().max(200).regex(/^[\w.+-]+\/[\w.+-]+$/).optional().describe('e.g. "text/markdown"; default: by Nextcloud from the name.'),
    etag: z.string().max(200).optional().describe("Replace only if the file still has this etag."),
    overwrite: z.boolean().default(true).describe("false: fail instead of replacing an existing file."),
  }),
  output: z.object({ path: z.string(), created: z.boolean(), replaced: z.boolean(), bytes: z.number().int(), etag: z.string().nullable(), file_id: z.string().nullable() }),
  annotations: { title: "Write a file", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["files.write"],
  async run(input, context) {
    if (input.encoding === "base64" && !/^[A-Za-z0-9+/]*={0,2}$/.test(input.content.replace(/\s+/g, ""))) {
      throw new NextcloudRequestError("invalid", "The content is not valid base64.");
    }
    const body = input.encoding === "base64" ? new Uint8Array(Buffer.from(input.content, "base64")) : new TextEncoder().encode(input.content);
    if (body.byteLength > WRITE_LIMIT) throw new NextcloudRequestError("too_large", `The content is larger than the ${formatBytes(WRITE_LIMIT)} this tool writes.`);
    const result = await writeFile(connectionOf(context), input.path, body, { etag: input.etag, createOnly: !input.overwrite, contentType: input.content_type });
    return {
      structured: { path: result.path, created: result.created, replaced: !result.created, bytes: body.byteLength, etag: result.etag, file_id: result.fileId },
      text: result.created
        ? `Created ${result.path} (${formatBytes(body.byteLength)}).`
        : `Replaced the content of ${result.path} with ${formatBytes(body.byteLength)}; the previous content is gone (Nextcloud may keep a version).`,
    };
  },
});
