/**
 * nc_webdav_read_file: a file's content. Text comes back as text, up to
 * max_bytes, with a notice when it was cut; anything else comes back as an
 * embedded resource (base64) when it fits the binary limit, and is refused
 * with its size when it does not. The read itself stops at the limit: a huge
 * file is never downloaded whole.
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { readFile } from "@/lib/nextcloud/webdav-client";
import { connectionOf, davPath, formatBytes } from "./file-shapes";

export const TEXT_LIMIT_DEFAULT = 100_000;
export const TEXT_LIMIT_MAX = 1_000_000;
export const BINARY_LIMIT = 1_000_000;

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-yaml|yaml|x-sh|sql|toml|x-httpd-php|ld\+json)|.*\+(xml|json)$)/i;

function looksLikeText(bytes: Uint8Array, contentType: string | null, truncated: boolean): boolean {
  if (contentType && TEXT_TYPES.test(contentType)) return true;
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) return false;
  // A cut may split a multi-byte character: ignore up to 3 trailing bytes of a truncated sample.
  const end = truncated || bytes.byteLength > sample.byteLength ? Math.max(0, sample.byteLength - 3) : sample.byteLength;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

export const ncWebdavReadFile = defineNextcloudTool({
  name: "nc_webdav_read_file",
  title: "Read a file",
  description: `Reads a file from your Nextcloud files. Text is returned up to max_bytes (default ${TEXT_LIMIT_DEFAULT}), with a notice when cut; other files up to ${formatBytes(BINARY_LIMIT)} come back as an embedded resource, larger ones are refused with their size. Needs files.read.`,
  input: z.object({
    path: davPath("The file"),
    max_bytes: z.number().int().min(1).max(TEXT_LIMIT_MAX).default(TEXT_LIMIT_DEFAULT).describe("How much text to return at most."),
  }),
  output: z.object({
    path: z.string(),
    kind: z.enum(["text", "binary"]),
    content_type: z.string().nullable(),
    size: z.number().nullable().describe("The whole file's size in bytes, when known."),
    etag: z.string().nullable(),
    text: z.string().nullable().describe("The text (kind text)."),
    truncated: z.boolean(),
    returned_bytes: z.number().int(),
    embedded: z.boolean().describe("Binary content is in the result's embedded resource."),
  }),
  annotations: { title: "Read a file", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["files.read"],
  async run({ path, max_bytes }, context) {
    const file = await readFile(connectionOf(context), path, Math.max(max_bytes, BINARY_LIMIT));
    const base = { path: file.path, content_type: file.contentType, size: file.size, etag: file.etag };
    if (looksLikeText(file.bytes, file.contentType, file.truncated)) {
      const cut = file.bytes.byteLength > max_bytes;
      const bytes = file.bytes.subarray(0, max_bytes);
      const text = new TextDecoder().decode(bytes).replace(/\uFFFD$/, "");
      const truncated = cut || file.truncated;
      const notice = truncated ? `\n\n[Truncated: showing the first ${formatBytes(bytes.byteLength)} of ${file.size !== null ? formatBytes(file.size) : "a larger file"}. Ask again with a larger max_bytes (up to ${TEXT_LIMIT_MAX}) for more.]` : "";
      return {
        structured: { ...base, kind: "text" as const, text, truncated, returned_bytes: bytes.byteLength, embedded: false },
        text: `${file.path}${truncated ? " (truncated)" : ""}:\n\n${text}${notice}`,
      };
    }
    if (file.truncated) {
      return {
        structured: { ...base, kind: "binary" as const, text: null, truncated: true, returned_bytes: 0, embedded: false },
        text: `${file.path} is a binary file (${file.contentType ?? "unknown type"}) of ${file.size !== null ? formatBytes(file.size) : `more than ${formatBytes(BINARY_LIMIT)}`}, larger than the ${formatBytes(BINARY_LIMIT)} this tool returns. It was not returned.`,
      };
    }
    const uri = `nextcloud-files:${file.path.split("/").map(encodeURIComponent).join("/")}`;
    return {
      structured: { ...base, kind: "binary" as const, text: null, truncated: false, returned_bytes: file.bytes.byteLength, embedded: true },
      text: `${file.path} is a binary file (${file.contentType ?? "unknown type"}, ${formatBytes(file.bytes.byteLength)}); its content is attached as an embedded resource.`,
      extraContent: [{ type: "resource", resource: { uri, mimeType: file.contentType ?? "application/octet-stream", blob: Buffer.from(file.bytes).toString("base64") } }],
    };
  },
});
