/**
 * The provisioning guard (the seed's provisioning decorator): every
 * Nextcloud tool runs through it with the Nextcloud scopes it needs.
 *
 * 1. The caller's grant (metadata only, never the refresh token; read
 *    through grant-store's 3 s per-process cache, which every write in this
 *    process clears): none, revoked, or missing scopes → the tool does not run. The
 *    client gets a provisioning link for the needed scopes: as URL-mode
 *    elicitation (UrlElicitationRequiredError, JSON-RPC -32042) when it
 *    declared `elicitation.url`, otherwise as a tool error result whose text
 *    names the missing scopes and holds the link (MCP 2025-11-25, tools
 *    "Error Handling": errors the model can act on are results).
 * 2. A session token for exactly those scopes (RFC 8693, the broker). The IdP
 *    has the last word: a refused exchange also ends in a provisioning link;
 *    an unreachable IdP in a retryable error.
 * Both refusals are audited (guard_refused / exchange_denied).
 */
import { randomUUID } from "node:crypto";
import { UrlElicitationRequiredError, type CallToolResult } from "@modelcontextprotocol/server";
import { formatScope, missingScopes, resourceScopes } from "@/lib/auth/scopes";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { IdpRefusedError, IdpUnreachableError } from "@/lib/oidc/idp-errors";
import type { SessionNextcloudToken } from "@/lib/tokens/token-types";
import { getConfig } from "@/lib/config";
import { getGrantForToolCall } from "@/lib/provisioning/grant-store";
import { createProvisioningLink } from "@/lib/provisioning/provisioning-link";
import type { NextcloudCredential } from "@/lib/nextcloud/nextcloud-credential";
import { connectAppPassword } from "./app-password-transport";
import type { CallerIdentity } from "./caller";
import { supportsUrlElicitation } from "./client-capabilities";
import type { SessionExchange } from "./tool-definition";

/** `credential`: NEXTCLOUD_AUTH=app-password only (app-password-transport.ts). */
export type GuardOutcome = { ok: true; token: SessionNextcloudToken; credential?: NextcloudCredential } | { ok: false; result: CallToolResult };

export const errorResult = (text: string): CallToolResult => ({ isError: true, content: [{ type: "text", text }] });

const NEXTCLOUD_SCOPES = new Set(resourceScopes("nextcloud"));

type RefusalReason = "no_grant" | "revoked" | "missing_scopes" | "exchange_refused" | "no_app_password";

/**
 * The link and the words for "grant access first"; thrown as -32042 where the client can open URLs itself.
 * The link offers every Nextcloud scope the caller's token holds (the tool's own marked as needed), so one
 * visit covers every tool the client may list (lib/provisioning/provisioning-choices.ts).
 */
async function provisioningRequired(caller: CallerIdentity, tool: string, needed: readonly string[], missing: readonly string[], reason: RefusalReason, detail?: string): Promise<CallToolResult> {
  await recordAuditEvent({ event: "guard_refused", outcome: "denied", userId: caller.sub, clientId: caller.clientId, tool, scopes: missing, detail: { reason } });
  const offered = caller.scopes.filter((s) => NEXTCLOUD_SCOPES.has(s));
  const link = await createProvisioningLink({ sub: caller.sub, clientId: caller.clientId, tool, needed: [...new Set([...missing, ...needed])], offered });
  const why =
    reason === "no_grant"
      ? "Nextcloud access has not been provisioned for you yet."
      : reason === "revoked"
        ? "Your Nextcloud access was revoked."
        : reason === "no_app_password"
          ? "Your Nextcloud account is not connected yet (this server signs in to Nextcloud with an app password)."
          : reason === "exchange_refused"
          ? `The identity provider refused Nextcloud access${detail ? ` (${detail})` : ""}.`
          : `Your Nextcloud access does not include ${formatScope(missing)} yet.`;
  const others = offered.filter((s) => !missing.includes(s) && !needed.includes(s));
  const alsoOffered = others.length > 0 ? ` The page also offers the other Nextcloud access this client holds (${formatScope(others)}), so one visit covers all its tools.` : "";
  if (supportsUrlElicitation(caller)) {
    // The client shows the error's message and the elicitation's message: one says what to do, the other
    // what the link grants. McpError prefixes its message with "MCP error -32042: " and the client's
    // McpError adds the prefix again on receipt, so the sentence a person reads is set as the message itself.
    const error = new UrlElicitationRequiredError(
      [{ mode: "url", elicitationId: randomUUID(), url: link.url, message: `Grant this server access to your Nextcloud for ${tool} (${formatScope(missing)}). ${why}` }],
    );
    error.message = `${tool} needs access to your Nextcloud: open the link to grant it (valid for 10 minutes, once), then call ${tool} again.`;
    throw error;
  }
  return errorResult(
    `${tool} needs Nextcloud access with the scope${missing.length > 1 ? "s" : ""} ${formatScope(missing)}. ${why} ` +
      `Open this link to grant it (valid for 10 minutes, once): ${link.url}${alsoOffered}\nThen call ${tool} again.`,
  );
}

/** Checks the grant and exchanges a session token for `scopes`; see the file comment. */
export async function requireProvisioning(input: { caller: CallerIdentity; exchange: SessionExchange; tool: string; scopes: readonly string[] }): Promise<GuardOutcome> {
  const { caller, exchange, tool, scopes } = input;
  if (caller.authDisabled) return { ok: false, result: errorResult(`${tool} needs a signed-in user; authentication is disabled on this test instance.`) };

  const grant = await getGrantForToolCall(caller.sub, getConfig().NEXTCLOUD_AUDIENCE);
  const appPassword = getConfig().NEXTCLOUD_AUTH === "app-password";
  const reason: RefusalReason | undefined = !grant ? "no_grant" : !grant.active ? "revoked" : appPassword && !grant.nextcloudLoginName ? "no_app_password" : undefined;
  const missing = reason ? [...scopes] : missingScopes(scopes, grant!.scopes);
  if (missing.length > 0) return { ok: false, result: await provisioningRequired(caller, tool, scopes, missing, reason ?? "missing_scopes") };

  try {
    const token = await exchange(scopes, { tool, grantLastUsedAt: grant!.lastUsedAt });
    if (!appPassword) return { ok: true, token };
    const connected = await connectAppPassword({ caller, tool, scopes, token, loginName: grant!.nextcloudLoginName! });
    if (!connected.ok) return { ok: false, result: errorResult(`${tool} could not run: ${connected.problem}.`) };
    return { ok: true, token, credential: connected.credential };
  } catch (error) {
    if (error instanceof IdpUnreachableError) {
      return { ok: false, result: errorResult(`${tool} could not run: the identity provider cannot be reached right now. This is temporary; try again in a moment.`) };
    }
    if (error instanceof IdpRefusedError) {
      const refused = error.error === "invalid_scope" && error.scopes.length > 0 ? error.scopes : [...scopes];
      return { ok: false, result: await provisioningRequired(caller, tool, scopes, refused, "exchange_refused", error.description ?? error.error) };
    }
    throw error;
  }
}
