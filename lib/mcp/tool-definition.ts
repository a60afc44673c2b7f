/**
 * The shape of one MCP tool: one module per tool (lib/mcp/tools/<area>/<tool>.ts)
 * declares its name, description, input and output schemas (zod), annotations
 * and the MCP scopes it requires. The server factory registers the tools a
 * caller's scopes allow; the HTTP layer answers a call to a tool the token
 * does not cover with 403 insufficient_scope before any tool code runs.
 */
import type { AuthInfo } from "@modelcontextprotocol/server";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/server";
import type { z } from "zod";
import { scopeInfo } from "@/lib/auth/scopes";
import type { CallerIdentity } from "@/lib/mcp/caller";

export interface ToolContext {
  caller: CallerIdentity;
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
  /** The verified AuthInfo, for the token broker only (see subjectTokenOf). */
  authInfo: AuthInfo;
}

export interface ToolOutcome<O> {
  /** Validated against the output schema by the SDK. */
  structured: O;
  /** The same result for people and models that read text. */
  text: string;
  /** Content blocks after the text, e.g. a file as an embedded resource. */
  extraContent?: CallToolResult["content"];
}

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** MCP scopes the caller's token must hold; [] = any authenticated caller. */
  requiredScopes: readonly string[];
  run(input: z.output<I>, context: ToolContext): Promise<ToolOutcome<z.output<O>>>;
}

/** A tool with its types erased, as the catalogue holds it. */
export interface CatalogueTool {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  output: z.ZodObject;
  annotations: ToolAnnotations;
  requiredScopes: readonly string[];
  invoke(args: unknown, context: ToolContext): Promise<CallToolResult>;
}

/** What the catalogue knows of a tool besides how to invoke it (shared by defineTool and defineNextcloudTool). */
export function describeTool(spec: Pick<CatalogueTool, "name" | "title" | "description" | "input" | "output" | "annotations" | "requiredScopes">): Omit<CatalogueTool, "invoke"> {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input: spec.input,
    output: spec.output,
    annotations: spec.annotations,
    requiredScopes: Object.freeze([...spec.requiredScopes]),
  };
}

/** The description tools/list shows: the tool's own, then the access it uses (its scopes, in words). */
export function describeWithAccess(tool: Pick<CatalogueTool, "description" | "requiredScopes">): string {
  if (tool.requiredScopes.length === 0) return `${tool.description}\nAccess: none beyond your sign-in.`;
  const uses = tool.requiredScopes.map((s) => `${scopeInfo(s)?.title ?? s} (${s})`);
  return `${tool.description}\nAccess: ${uses.join(", ")}.`;
}

/** A tool's outcome as the MCP result: the text first, then any extra content, plus the structured result. */
export function outcomeResult<O>(outcome: ToolOutcome<O>): CallToolResult {
  return {
    content: [{ type: "text", text: outcome.text }, ...(outcome.extraContent ?? [])],
    structuredContent: outcome.structured as Record<string, unknown>,
  };
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<I, O>): CatalogueTool {
  return {
    ...describeTool(spec),
    async invoke(args, context) {
      // The SDK validated `args` against `input` before calling; parse again so a tool can rely on its types.
      return outcomeResult(await spec.run(spec.input.parse(args ?? {}), context));
    },
  };
}
