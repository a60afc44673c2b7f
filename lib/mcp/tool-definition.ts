/**
 * The shape of one MCP tool: one module per tool (lib/mcp/tools/<area>/<tool>.ts)
 * declares its name, description, input and output schemas (zod), annotations
 * and the MCP scopes it requires. The server factory registers the tools a
 * caller's scopes allow; the HTTP layer answers a call to a tool the token
 * does not cover with 403 insufficient_scope before any tool code runs.
 */
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/server";
import type { z } from "zod";
import { scopeInfo } from "@/lib/auth/scopes";
import type { SessionNextcloudToken } from "@/lib/tokens/token-types";
import type { CallerIdentity } from "@/lib/mcp/caller";

/**
 * What a tool's `run` receives: who calls and the cancellation signal. Never
 * the caller's MCP access token: tool code cannot read it, forward it or log
 * it (tests/unit/tool-context-types.test.ts makes reaching it a type error).
 * Nextcloud tools also get the session token the guard exchanged for them
 * (define-nextcloud-tool.ts).
 */
export interface ToolContext {
  readonly caller: CallerIdentity;
  /** Aborted when the client cancels the request. */
  readonly signal: AbortSignal;
}

/** RFC 8693 exchange of the caller's MCP token for a Nextcloud session token of exactly `scopes` (the broker). */
export type SessionExchange = (scopes: readonly string[], options: { tool: string; grantLastUsedAt?: Date | null }) => Promise<SessionNextcloudToken>;

/**
 * What the server hands a catalogue tool's `invoke` (lib/mcp/tool-context.ts builds it): the tool context
 * plus one narrow capability, the exchange, which holds the subject token in a closure. The tool wrappers
 * (defineTool, defineNextcloudTool) use it and pass only a ToolContext on to `run`.
 */
export interface InvocationContext extends ToolContext {
  readonly exchange: SessionExchange;
}

/** The part of an invocation context a tool's `run` may see. */
export function toolContextOf(context: InvocationContext): ToolContext {
  return { caller: context.caller, signal: context.signal };
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
  /** Listed only for callers holding at least one of these (a tool whose scopes depend on the caller, e.g. nc_search). */
  listedWithAnyOf?: readonly string[];
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
  /** Listed only when the caller holds one of these scopes (a tool that works with whichever it finds, e.g. nc_search). */
  listedWithAnyOf?: readonly string[];
  invoke(args: unknown, context: InvocationContext): Promise<CallToolResult>;
}

/** What the catalogue knows of a tool besides how to invoke it (shared by defineTool and defineNextcloudTool). */
export function describeTool(spec: Pick<CatalogueTool, "name" | "title" | "description" | "input" | "output" | "annotations" | "requiredScopes" | "listedWithAnyOf">): Omit<CatalogueTool, "invoke"> {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input: spec.input,
    output: spec.output,
    annotations: spec.annotations,
    requiredScopes: Object.freeze([...spec.requiredScopes]),
    ...(spec.listedWithAnyOf ? { listedWithAnyOf: Object.freeze([...spec.listedWithAnyOf]) } : {}),
  };
}

/**
 * Whether tools/list shows this tool to a token with `scopes` (before the
 * Nextcloud-capabilities filter): it needs every required scope, and a tool
 * with `listedWithAnyOf` also one of those.
 */
export function listedFor(tool: Pick<CatalogueTool, "requiredScopes" | "listedWithAnyOf">, scopes: readonly string[]): boolean {
  return tool.requiredScopes.every((s) => scopes.includes(s)) && (!tool.listedWithAnyOf || tool.listedWithAnyOf.some((s) => scopes.includes(s)));
}

/** The description tools/list shows: the tool's own, then the access it uses (its scopes, in words). */
export function describeWithAccess(tool: Pick<CatalogueTool, "description" | "requiredScopes" | "listedWithAnyOf">): string {
  if (tool.requiredScopes.length === 0 && tool.listedWithAnyOf) {
    const uses = tool.listedWithAnyOf.map((s) => `${scopeInfo(s)?.title ?? s} (${s})`);
    return `${tool.description}\nAccess: whichever of ${uses.join(", ")} you hold; results come only from those.`;
  }
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
      return outcomeResult(await spec.run(spec.input.parse(args ?? {}), toolContextOf(context)));
    },
  };
}
