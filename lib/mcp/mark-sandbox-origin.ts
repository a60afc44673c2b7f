/**
 * A tool answer that came from the Nextcloud sandbox (NEXTCLOUD_URL unset)
 * says so, so neither the person nor the model takes demo data for their
 * real Nextcloud: the text starts with SANDBOX_LABEL and `_meta` carries
 * SANDBOX_META_KEY: true (MCP 2025-11-25 lets results carry `_meta`).
 */
import type { CallToolResult } from "@modelcontextprotocol/server";

export const SANDBOX_LABEL = "[Nextcloud sandbox: test and demo data, not a real Nextcloud]";
export const SANDBOX_META_KEY = "nextcloud-mcp/sandbox";

export function markSandboxOrigin(result: CallToolResult): CallToolResult {
  const [first, ...rest] = result.content;
  const content: CallToolResult["content"] =
    first?.type === "text" ? [{ ...first, text: `${SANDBOX_LABEL} ${first.text}` }, ...rest] : [{ type: "text", text: SANDBOX_LABEL }, ...result.content];
  return { ...result, content, _meta: { ...result._meta, [SANDBOX_META_KEY]: true } };
}
