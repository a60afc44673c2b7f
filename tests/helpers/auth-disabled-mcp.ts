/**
 * For unit files that call the MCP handler in this process without an IdP: before the file's tests,
 * NODE_ENV=test with MCP_INSECURE_DISABLE_AUTH (the configuration refuses it anywhere else), the
 * configuration read afresh and lib/mcp/handle-mcp-request imported under it; after them, the
 * environment and the configuration as they were. Returns the imported module (once beforeAll ran).
 */
import { afterAll, beforeAll } from "vitest";
import { forgetProcessWide } from "@/lib/process-wide";

type McpHandlerModule = typeof import("@/lib/mcp/handle-mcp-request");

export function useAuthDisabledMcpHandler(): () => McpHandlerModule {
  const saved = { ...process.env };
  let handler: McpHandlerModule | undefined;
  beforeAll(async () => {
    Object.assign(process.env, { NODE_ENV: "test", MCP_INSECURE_DISABLE_AUTH: "true", APP_URL: "http://127.0.0.1:3999" });
    forgetProcessWide("config");
    handler = await import("@/lib/mcp/handle-mcp-request");
  });
  afterAll(() => {
    process.env = saved;
    forgetProcessWide("config");
  });
  return () => {
    if (!handler) throw new Error("the MCP handler is imported in beforeAll: call it from a test or hook");
    return handler;
  };
}
