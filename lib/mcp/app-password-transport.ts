/**
 * App-password mode, the step between the provisioning guard's token
 * exchange and the tool: the exchanged token is checked locally
 * (lib/auth/check-exchanged-token.ts: aud, scopes ⊇ the tool's, exp, act)
 * and only then is the tool given the opaque credential whose app password
 * the sender decrypts per request (lib/nextcloud/nextcloud-credential.ts).
 * A refused check is audited (exchange_denied, reason) and ends the call.
 */
import { checkExchangedToken } from "@/lib/auth/check-exchanged-token";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { SessionNextcloudToken } from "@/lib/tokens/token-types";
import { getConfig } from "@/lib/config";
import { appPasswordCredential, type NextcloudCredential } from "@/lib/nextcloud/nextcloud-credential";
import { forgetAppPassword, openAppPassword } from "@/lib/provisioning/app-password-store";
import type { CallerIdentity } from "./caller";

export type AppPasswordConnect = { ok: true; credential: NextcloudCredential } | { ok: false; problem: string };

export async function connectAppPassword(input: { caller: CallerIdentity; tool: string; scopes: readonly string[]; token: SessionNextcloudToken; loginName: string }): Promise<AppPasswordConnect> {
  const config = getConfig();
  const check = checkExchangedToken(input.token.accessToken, { audience: config.NEXTCLOUD_AUDIENCE, scopes: input.scopes, actor: config.OIDC_CLIENT_ID });
  // The token must be about the caller: the app password used is the caller's own.
  const problem = !check.ok ? check.problem : check.sub !== input.caller.sub ? "the exchanged token is about another user" : undefined;
  if (problem) {
    await recordAuditEvent({ event: "exchange_denied", outcome: "denied", userId: input.caller.sub, clientId: input.caller.clientId, tool: input.tool, scopes: input.scopes, detail: { reason: "local_check", problem } });
    return { ok: false, problem };
  }
  const userId = input.caller.sub;
  return { ok: true, credential: appPasswordCredential(input.loginName, () => openAppPassword(userId, config.NEXTCLOUD_AUDIENCE)) };
}

/** Nextcloud answered 401 to the app password: it was removed there. Forgotten here (audited), so the next call offers to connect again. */
export async function appPasswordRefused(caller: CallerIdentity, tool: string, loginName: string): Promise<string> {
  await forgetAppPassword(caller.sub, getConfig().NEXTCLOUD_AUDIENCE);
  await recordAuditEvent({ event: "revoked", outcome: "success", userId: caller.sub, clientId: caller.clientId, tool, detail: { by: "nextcloud", credential: "app-password", reason: "app_password_refused" } });
  return `${tool} failed: Nextcloud no longer accepts the app password of account ${loginName} (HTTP 401; it was probably removed under Settings → Security). Call ${tool} again to connect your Nextcloud account anew.`;
}
