/**
 * Builds the MCP server for one request (stateless Streamable HTTP: a server
 * and a transport per request). Only the tools the caller's scopes allow are
 * registered, so tools/list shows exactly what the token can use, and a tool
 * outside the token's scopes does not exist for this request even if the HTTP
 * layer's scope gate were bypassed. Each listed description ends with the
 * access the tool uses, so the model (and the person reading along) can tell
 * what a call will touch.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { UrlElicitationRequiredError } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { insufficientScopes } from "@/lib/auth/scope-policy";
import { callerFromAuthInfo, type CallerIdentity } from "@/lib/mcp/caller";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import { availableTools } from "@/lib/mcp/tool-availability";
import { describeWithAccess, type CatalogueTool } from "@/lib/mcp/tool-definition";
import { buildToolContext } from "@/lib/mcp/tool-context";
import { serverInstructions } from "@/lib/mcp/server-instructions";
import { log } from "@/lib/log";
import { recordToolCall } from "@/lib/metrics/record";
import { processWide } from "@/lib/process-wide";
import { APP_VERSION } from "@/lib/version";

// One JSON Schema validator per process. Without it the SDK builds a new Ajv
// (with ajv-formats) for every server, i.e. every request: ~1 ms of CPU each
// time (npm run bench, docs/performance.md). It only checks form-elicitation
// answers; compiled validators are pure, so sharing them between requests is safe.
export function sharedJsonSchemaValidator(): AjvJsonSchemaValidator {
  return processWide("json-schema-validator", () => new AjvJsonSchemaValidator());
}

export function toolsFor(caller: CallerIdentity, catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE): CatalogueTool[] {
  // availableTools: the tools of apps the Nextcloud lacks are left out (lib/mcp/tool-availability.ts).
  return availableTools(
    catalogue.filter(
      (tool) => insufficientScopes(tool.requiredScopes, caller.scopes).length === 0 && (!tool.listedWithAnyOf || tool.listedWithAnyOf.some((s) => caller.scopes.includes(s))),
    ),
  );
}

export function createMcpServer(authInfo: AuthInfo, catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE): McpServer {
  const caller = callerFromAuthInfo(authInfo);
  const server = new McpServer({ name: "nextcloud-mcp", title: "Nextcloud MCP server", version: APP_VERSION }, {
    capabilities: { tools: {} },
    instructions: serverInstructions(catalogue),
    jsonSchemaValidator: sharedJsonSchemaValidator(),
  });
  for (const tool of toolsFor(caller, catalogue)) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: describeWithAccess(tool), inputSchema: tool.input, outputSchema: tool.output, annotations: tool.annotations },
      async (args: unknown, extra) => {
        // The identity comes from the verified token attached by the HTTP layer, never from headers.
        const context = buildToolContext(extra.authInfo ?? authInfo, extra.signal);
        try {
          const result = await tool.invoke(args, context);
          recordToolCall(tool.name, result.isError ? "tool_error" : "ok");
          return result;
        } catch (error) {
          // URL-mode elicitation (-32042) is an answer, not a failure: the SDK passes it on as a JSON-RPC error.
          if (error instanceof UrlElicitationRequiredError) {
            recordToolCall(tool.name, "elicitation");
            throw error;
          }
          recordToolCall(tool.name, "failed");
          log.error("tool failed", { tool: tool.name, clientId: caller.clientId, reason: error instanceof Error ? error.message : String(error) });
          return { isError: true, content: [{ type: "text" as const, text: `${tool.name} failed on the server. Please try again later.` }] };
        }
      },
    );
  }
  return server;
}
