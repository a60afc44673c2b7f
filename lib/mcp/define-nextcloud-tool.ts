/**
 * A tool that works in the user's Nextcloud: declared like any tool
 * (tool-definition.ts) plus the Nextcloud scopes it needs, which are also the
 * MCP scopes the caller's token must hold (the catalogue uses one name for
 * both). Its `run` receives a session token for exactly those scopes — the
 * provisioning guard obtained it — and never anything else: no refresh
 * token, no background token (the types do not allow it).
 */
import type { CallToolResult } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { SessionNextcloudToken } from "@/lib/broker/token-types";
import { usesSandbox } from "@/lib/nextcloud/nextcloud-base-url";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { diagnoseNextcloudRefusal } from "./diagnose-nextcloud-refusal";
import { markSandboxOrigin } from "./mark-sandbox-origin";
import { requireProvisioning, errorResult } from "./provisioning-guard";
import { describeTool, outcomeResult, type CatalogueTool, type ToolContext, type ToolOutcome, type ToolSpec } from "./tool-definition";

export interface NextcloudToolContext extends ToolContext {
  nextcloud: SessionNextcloudToken;
}

/** A ToolSpec whose required scopes are Nextcloud scopes, and whose `run` also gets the session token. */
export interface NextcloudToolSpec<I extends z.ZodObject, O extends z.ZodObject> extends Omit<ToolSpec<I, O>, "requiredScopes" | "run"> {
  /** Nextcloud scopes (= MCP scopes) the tool needs. */
  scopes: readonly string[];
  run(input: z.output<I>, context: NextcloudToolContext): Promise<ToolOutcome<z.output<O>>>;
}

export function defineNextcloudTool<I extends z.ZodObject, O extends z.ZodObject>(spec: NextcloudToolSpec<I, O>): CatalogueTool {
  const described = describeTool({ ...spec, requiredScopes: spec.scopes });
  const scopes = described.requiredScopes;
  return {
    ...described,
    async invoke(args, context): Promise<CallToolResult> {
      const input = spec.input.parse(args ?? {});
      const guard = await requireProvisioning({ caller: context.caller, authInfo: context.authInfo, tool: spec.name, scopes });
      if (!guard.ok) return guard.result;
      const fromNextcloud = (result: CallToolResult) => (usesSandbox() ? markSandboxOrigin(result) : result);
      try {
        const outcome = await spec.run(input, { ...context, nextcloud: guard.token });
        return fromNextcloud(outcomeResult(outcome));
      } catch (error) {
        if (error instanceof NextcloudRequestError) {
          const explained = await diagnoseNextcloudRefusal(error, guard.token);
          return fromNextcloud(errorResult(`${spec.name} failed: ${explained.message}${explained.retryable ? " This is temporary; try again in a moment." : ""}`));
        }
        throw error;
      }
    },
  };
}
