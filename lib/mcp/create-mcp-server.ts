/**
 * Builds the MCP server for one request (stateless Streamable HTTP: a server
 * per request, for either protocol era; MCP TypeScript SDK v2). Only the
 * tools the caller's scopes allow are registered, so tools/list shows exactly
 * what the token can use, and a tool outside the token's scopes does not
 * exist for this request even if the HTTP layer's scope gate were bypassed.
 * Each listed description ends with the access the tool uses, so the model
 * (and the person reading along) can tell what a call will touch.
 *
 * The two eras differ in how a tool asks the person to grant Nextcloud access
 * (lib/mcp/provisioning-guard.ts throws UrlElicitationRequiredError when the
 * client can open URLs itself):
 *  - 2025-11-25 (`era: "legacy"`): the error goes out as JSON-RPC -32042;
 *  - 2026-07-28 (`era: "modern"`): -32042 no longer exists; the tool result is
 *    `resultType: "input_required"` with a URL-mode elicitation and a sealed
 *    `requestState` (lib/mcp/request-state.ts) the client echoes on its retry
 *    — but only when this very request's `_meta` envelope declares
 *    `elicitation.url` (the SDK refuses an embedded request the client did not
 *    declare, -32021); otherwise the link goes in the tool result as text.
 */
import { CLIENT_CAPABILITIES_META_KEY, McpServer, ProtocolError, ProtocolErrorCode, UrlElicitationRequiredError, inputRequired, type AuthInfo, type CallToolResult, type InputRequiredResult, type ServerContext, type StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";
import { callerFromAuthInfo, type CallerIdentity } from "@/lib/mcp/caller";
import { declaresUrlElicitation } from "@/lib/mcp/client-capabilities";
import { mintRequestState, verifyRequestState, type RequestState } from "@/lib/mcp/request-state";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import { availableTools } from "@/lib/mcp/tool-availability";
import { describeWithAccess, listedFor, type CatalogueTool } from "@/lib/mcp/tool-definition";
import { buildToolContext } from "@/lib/mcp/tool-context";
import { serverInstructions } from "@/lib/mcp/server-instructions";
import { log } from "@/lib/log";
import { recordToolCall } from "@/lib/metrics/record";
import { processWide } from "@/lib/process-wide";
import { APP_VERSION } from "@/lib/version";
import type { z } from "zod";

export type ProtocolEra = "legacy" | "modern";

/**
 * Cache hints for the cacheable results of MCP 2026-07-28 (`ttlMs`,
 * `cacheScope`; SEP-2549). tools/list depends on the caller's token (its
 * scopes pick the tools), so it is never `public` (a shared cache would hand
 * one user's list to another), and it is stale at once (`ttlMs: 0`, "the
 * client MAY re-fetch every time"): the list changes within one token's life
 * (the person narrows the client on the dashboard, an app is switched off in
 * Nextcloud), and the SDK v2 client keeps a cached list across a
 * re-authorization, so any positive TTL would hide a tool the person has just
 * granted by step-up from the model, which can only call what it was shown.
 * 2025-era answers never carry these fields.
 */
export const TOOLS_LIST_CACHE = { ttlMs: 0, cacheScope: "private" } as const;

// One JSON Schema validator per process. Without it the SDK builds a new Ajv
// (with ajv-formats) for every server, i.e. every request: ~1 ms of CPU each
// time (npm run bench, docs/performance.md). It only checks form-elicitation
// answers; compiled validators are pure, so sharing them between requests is safe.
export function sharedJsonSchemaValidator(): AjvJsonSchemaValidator {
  return processWide("json-schema-validator-v2", () => new AjvJsonSchemaValidator());
}

/** `compute` once per key object and process (kept in a process-wide WeakMap named `name`). */
function perProcess<K extends object, V>(name: string, compute: (key: K) => V): (key: K) => V {
  return (key) => {
    const known = processWide(name, () => new WeakMap<K, V>());
    let value = known.get(key);
    if (value === undefined) known.set(key, (value = compute(key)));
    return value;
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A tool's zod schema as the SDK is handed it, with its JSON Schema converted
 * once per process instead of once per request. The SDK converts through the
 * schema's Standard JSON Schema interface (`~standard.jsonSchema.input/output`,
 * standardschema.dev; SDK v2 `standardSchemaToJsonSchema`), and because the
 * server is built per request its own memo (RegisteredTool.outputSchemaJson,
 * McpServer.toolInputSchemaJson) starts empty every time: each tools/call
 * converted the called tool's output schema (both eras: the result is
 * projected onto it) and, on 2026-07-28, its input schema as well (the
 * `Mcp-Param-*` header scan before dispatch); each tools/list converted every
 * listed tool's two schemas. Validation is zod's own `~standard.validate`,
 * unchanged. The converted schemas are frozen: they are shared by every
 * request, and a change to one would be a bug that must fail loudly.
 */
export const withCachedJsonSchema = perProcess("mcp-tool-json-schemas", (schema: z.ZodType): StandardSchemaWithJSON => {
  const standard = schema["~standard"];
  const converted = new Map<string, Record<string, unknown>>();
  const converter = (io: "input" | "output") => (options: { readonly target: string; readonly libraryOptions?: Record<string, unknown> }) => {
    const convert = () => standard.jsonSchema[io](options as Parameters<typeof standard.jsonSchema.input>[0]);
    if (options.libraryOptions !== undefined) return convert();
    const key = `${io} ${options.target}`;
    let json = converted.get(key);
    if (!json) converted.set(key, (json = deepFreeze(convert())));
    return json;
  };
  return {
    "~standard": { version: 1, vendor: standard.vendor, validate: (value, options) => standard.validate(value, options), jsonSchema: { input: converter("input"), output: converter("output") } },
  };
});

// The per-request parts that depend only on the catalogue or the tool, kept for the process.
const instructionsFor = perProcess("mcp-server-instructions", (catalogue: readonly CatalogueTool[]) => serverInstructions(catalogue));
const describedWithAccess = perProcess("mcp-tool-descriptions", (tool: CatalogueTool) => describeWithAccess(tool));

export function toolsFor(caller: CallerIdentity, catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE): CatalogueTool[] {
  // availableTools: the tools of apps the Nextcloud lacks are left out (lib/mcp/tool-availability.ts).
  return availableTools(catalogue.filter((tool) => listedFor(tool, caller.scopes)));
}

/** A 2026-07-28 answer to "grant access first": the URL as an input request where declared, the link as text otherwise. */
async function provisioningInputRequired(error: UrlElicitationRequiredError, caller: CallerIdentity, tool: string, ctx: ServerContext): Promise<CallToolResult | InputRequiredResult> {
  const [elicitation] = error.elicitations;
  if (!elicitation) throw error;
  if (declaresUrlElicitation((ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY])) {
    return inputRequired({
      inputRequests: { provision_nextcloud: inputRequired.elicitUrl({ url: elicitation.url, message: elicitation.message }) },
      requestState: await mintRequestState(caller, tool),
    });
  }
  return {
    isError: true,
    content: [{ type: "text", text: `${error.message}\n${elicitation.message}\nLink (valid for 10 minutes, once): ${elicitation.url}` }],
  };
}

/**
 * `calledTool`: the tool a single `tools/call` request names (lib/mcp/handle-mcp-request.ts). Such a request
 * can only reach that tool, so only it is registered when the caller may use it — registering every allowed
 * tool cost 150–250 µs of a ~600 µs call (docs/performance.md), for tools the request cannot touch. When the
 * caller may not use it (not allowed, hidden, unknown), every allowed tool is registered as for any other
 * request, so the SDK answers exactly as before ("Tool … not found").
 */
export function createMcpServer(authInfo: AuthInfo, catalogue: readonly CatalogueTool[] = TOOL_CATALOGUE, era: ProtocolEra = "legacy", calledTool?: string): McpServer {
  const caller = callerFromAuthInfo(authInfo);
  const server = new McpServer({ name: "nextcloud-mcp", title: "Nextcloud MCP server", version: APP_VERSION }, {
    capabilities: { tools: {} },
    instructions: instructionsFor(catalogue),
    jsonSchemaValidator: sharedJsonSchemaValidator(),
    cacheHints: { "tools/list": TOOLS_LIST_CACHE },
    // A retry's requestState must have been minted for this user and client, and not have expired;
    // the SDK answers a refusal with -32602 before any tool runs. The tool binding is checked below
    // (the hook does not see the request's params): a mismatch ends as a tool error, the tool not run.
    requestState: { verify: (state: string) => verifyRequestState(state, caller, undefined) },
  });
  const allowed = toolsFor(caller, catalogue);
  const called = allowed.find((tool) => tool.name === calledTool);
  for (const tool of called ? [called] : allowed) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: describedWithAccess(tool), inputSchema: withCachedJsonSchema(tool.input), outputSchema: withCachedJsonSchema(tool.output), annotations: tool.annotations },
      async (args: unknown, ctx: ServerContext): Promise<CallToolResult | InputRequiredResult> => {
        const resumed = ctx.mcpReq.requestState<RequestState>();
        if (resumed && resumed.tool !== tool.name) {
          throw new ProtocolError(ProtocolErrorCode.InvalidParams, `requestState was minted for another tool, not ${tool.name}`);
        }
        // The identity comes from the verified token attached by the HTTP layer, never from headers.
        const context = buildToolContext(authInfo, ctx.mcpReq.signal);
        try {
          const result = await tool.invoke(args, context);
          recordToolCall(tool.name, result.isError ? "tool_error" : "ok");
          return result as CallToolResult;
        } catch (error) {
          // URL-mode elicitation is an answer, not a failure: -32042 on 2025-11-25, input_required on 2026-07-28.
          if (error instanceof UrlElicitationRequiredError) {
            recordToolCall(tool.name, "elicitation");
            if (era === "modern") return provisioningInputRequired(error, caller, tool.name, ctx);
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
