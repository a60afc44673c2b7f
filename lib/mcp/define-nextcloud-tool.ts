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
import type { SessionNextcloudToken } from "@/lib/tokens/token-types";
import type { NextcloudCredential } from "@/lib/nextcloud/nextcloud-credential";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";
import { usesSandbox } from "@/lib/nextcloud/nextcloud-base-url";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { appPasswordRefused } from "./app-password-transport";
import { diagnoseNextcloudRefusal } from "./diagnose-nextcloud-refusal";
import { refreshCapabilities } from "@/lib/nextcloud/capabilities";
import { markSandboxOrigin } from "./mark-sandbox-origin";
import { missingAppsFor, unavailableMessage } from "./tool-availability";
import { requireProvisioning, errorResult } from "./provisioning-guard";
import { describeTool, outcomeResult, toolContextOf, type CatalogueTool, type ToolContext, type ToolOutcome, type ToolSpec } from "./tool-definition";

export interface NextcloudToolContext extends ToolContext {
  nextcloud: SessionNextcloudToken;
  /** NEXTCLOUD_AUTH=app-password: the opaque app-password credential (the password itself is unreadable here). */
  nextcloudCredential?: NextcloudCredential;
}

/** The connection every Nextcloud client of a tool uses: the call's token (its scopes bound what is reached) and credential. */
export function connectionOf(context: NextcloudToolContext): NextcloudConnection {
  return { token: context.nextcloud, credential: context.nextcloudCredential, signal: context.signal };
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
      const guard = await requireProvisioning({ caller: context.caller, exchange: context.exchange, tool: spec.name, scopes });
      if (!guard.ok) return guard.result;
      const fromNextcloud = (result: CallToolResult) => (usesSandbox() ? markSandboxOrigin(result) : result);
      // Re-reads the Nextcloud's capabilities with this call's token when the cached ones are stale
      // (tool-availability.ts) — and, in app-password mode, its credential: without it the read is refused
      // before it leaves (send-nextcloud-request.ts), nothing is ever known and every tool stays listed.
      const missing = missingAppsFor(scopes, await refreshCapabilities({ token: guard.token, credential: guard.credential, signal: context.signal }));
      if (missing.length > 0) return fromNextcloud(errorResult(unavailableMessage(spec.name, missing)));
      try {
        const outcome = await spec.run(input, { ...toolContextOf(context), nextcloud: guard.token, nextcloudCredential: guard.credential });
        return fromNextcloud(outcomeResult(outcome));
      } catch (error) {
        if (error instanceof NextcloudRequestError && guard.credential && error.failure === "unauthorized") {
          return fromNextcloud(errorResult(await appPasswordRefused(context.caller, spec.name, guard.credential.loginName)));
        }
        if (error instanceof NextcloudRequestError) {
          const explained = await diagnoseNextcloudRefusal(error, guard.token);
          return fromNextcloud(errorResult(`${spec.name} failed: ${explained.message}${explained.retryable ? " This is temporary; try again in a moment." : ""}`));
        }
        throw error;
      }
    },
  };
}

/** A tool of an app the Nextcloud does not have (not installed, or disabled by its admin). */
