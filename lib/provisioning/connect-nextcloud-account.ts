/**
 * App-password mode (NEXTCLOUD_AUTH=app-password), Flow 2's second half:
 * after the IdP grant is stored (complete-provisioning.ts), the person
 * connects their Nextcloud account by Nextcloud Login Flow v2
 * (lib/nextcloud/login-flow-v2.ts); this module starts it, advances it one
 * poll per page view, and applies the account rule:
 *
 * The expected Nextcloud login name is the signed-in account's
 * `preferred_username`, or the claim NEXTCLOUD_LOGIN_CLAIM names (read from
 * the verified ID token of the provisioning callback).
 * - Login Flow v2 returns that login name → linked.
 * - Another one, with NEXTCLOUD_LOGIN_CLAIM set → refused: the new app
 *   password is deleted at Nextcloud and the person is told.
 * - Another one, without it → the person must confirm explicitly that they
 *   meant to connect Nextcloud account X; confirm → linked, cancel → the app
 *   password is deleted at Nextcloud. Never linked silently.
 * Linking stores the app password sealed on the grant (app-password-store.ts)
 * and is audited ("provisioned", detail credential app-password + account).
 */
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { nextcloudBaseUrl } from "@/lib/nextcloud/nextcloud-base-url";
import { deleteAppPassword, pollLoginFlow, startLoginFlow } from "@/lib/nextcloud/login-flow-v2";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { attachAppPassword } from "./app-password-store";
import { requestSync } from "@/lib/search/sync-job-state";
import { getGrant } from "./grant-store";
import { awaitConfirmation, createLoginFlowSession, endLoginFlowSession, findLoginFlowSession, type LoginFlowSession } from "./login-flow-sessions";
import type { ProvisioningResult } from "./provisioning-result";

export type LoginFlowView =
  | { kind: "none" }
  | { kind: "pending"; loginUrl: string; secondsLeft: number; nextcloudDown: boolean }
  | { kind: "confirm"; loginName: string; expectedLoginName: string | null }
  | { kind: "done"; result: ProvisioningResult };

/** The login name the signed-in account is expected to have in Nextcloud (see the file comment). */
export function expectedLoginName(claims: Record<string, unknown> | undefined): { name: string | null; strict: boolean } {
  const claim = getConfig().NEXTCLOUD_LOGIN_CLAIM;
  const value = claims?.[claim ?? "preferred_username"];
  return { name: typeof value === "string" && value.length > 0 ? value : null, strict: claim !== undefined };
}

/** Starts Login Flow v2 for a just-provisioned user; returns the browser's cookie value. */
export async function beginNextcloudLogin(input: { userId: string; clientId?: string | null; tool?: string; claims?: Record<string, unknown> }): Promise<string> {
  const started = await startLoginFlow(nextcloudBaseUrl());
  const expected = expectedLoginName(input.claims);
  return createLoginFlowSession({
    userId: input.userId,
    clientId: input.clientId,
    tool: input.tool,
    expectedLoginName: expected.name,
    strictMapping: expected.strict,
    loginUrl: started.loginUrl,
    pollPath: started.pollPath,
    pollToken: started.pollToken,
  });
}

async function discard(loginName: string, appPassword: string): Promise<void> {
  try {
    await deleteAppPassword(nextcloudBaseUrl(), loginName, appPassword);
  } catch (error) {
    log.warn("could not delete a refused Nextcloud app password", { reason: error instanceof Error ? error.message : String(error) });
  }
}

async function link(session: LoginFlowSession, loginName: string, appPassword: string, confirmed: boolean): Promise<ProvisioningResult> {
  if (!(await endLoginFlowSession(session.idHash))) return { kind: "state_used" };
  const audience = getConfig().NEXTCLOUD_AUDIENCE;
  if (!(await attachAppPassword({ userId: session.userId, audience, loginName, appPassword }))) {
    // The grant was revoked meanwhile: keep nothing, at Nextcloud either.
    await discard(loginName, appPassword);
    return { kind: "failed" };
  }
  const grant = await getGrant(session.userId, audience);
  await recordAuditEvent({
    event: "provisioned",
    outcome: "success",
    userId: session.userId,
    clientId: session.clientId,
    scopes: grant?.scopes ?? [],
    detail: { credential: "app-password", nextcloudAccount: loginName, confirmedOtherAccount: confirmed },
  });
  // The background jobs send this app password (lib/broker/background-token.ts): the index's first sync can run now.
  await requestSync(session.userId).catch((error: unknown) =>
    log.warn("could not schedule the search index's first sync", { reason: error instanceof Error ? error.message : String(error) }),
  );
  return { kind: "provisioned", scopes: grant?.scopes ?? [], nextcloudAccount: loginName, ...(session.tool ? { tool: session.tool } : {}) };
}

/** One step of the flow, for one view of the progress page. */
export async function advanceNextcloudLogin(id: unknown, now = Date.now()): Promise<LoginFlowView> {
  const session = await findLoginFlowSession(id);
  if (!session) return { kind: "none" };
  if (session.status === "confirm") return { kind: "confirm", loginName: session.loginName ?? "", expectedLoginName: session.expectedLoginName };
  if (session.expiresAt.getTime() <= now) {
    await endLoginFlowSession(session.idHash);
    await recordAuditEvent({ event: "provisioned", outcome: "denied", userId: session.userId, clientId: session.clientId, detail: { credential: "app-password", reason: "login_flow_timeout" } });
    return { kind: "done", result: { kind: "nextcloud_timeout" } };
  }
  const pending = (nextcloudDown: boolean): LoginFlowView => ({ kind: "pending", loginUrl: session.loginUrl, secondsLeft: Math.ceil((session.expiresAt.getTime() - now) / 1000), nextcloudDown });
  if (!("pollToken" in session.secret)) return pending(false);
  let poll;
  try {
    poll = await pollLoginFlow(nextcloudBaseUrl(), session.secret.pollToken);
  } catch (error) {
    if (error instanceof NextcloudRequestError) return pending(true);
    throw error;
  }
  if (poll.state === "pending") return pending(false);
  const { loginName, appPassword } = poll;
  if (session.expectedLoginName !== null && loginName === session.expectedLoginName) return { kind: "done", result: await link(session, loginName, appPassword, false) };
  if (session.strictMapping) {
    await endLoginFlowSession(session.idHash);
    await discard(loginName, appPassword);
    await recordAuditEvent({ event: "provisioned", outcome: "denied", userId: session.userId, clientId: session.clientId, detail: { credential: "app-password", reason: "nextcloud_account_mismatch", nextcloudAccount: loginName } });
    return { kind: "done", result: { kind: "nextcloud_account_refused", nextcloudAccount: loginName } };
  }
  await awaitConfirmation(session, loginName, appPassword);
  return { kind: "confirm", loginName, expectedLoginName: session.expectedLoginName };
}

/** The person's answer on the progress page: confirm a different account, or cancel. */
export async function decideNextcloudLogin(id: unknown, decision: "confirm" | "cancel"): Promise<ProvisioningResult> {
  const session = await findLoginFlowSession(id);
  if (!session) return { kind: "state_unknown" };
  if (decision === "confirm" && session.status === "confirm" && "appPassword" in session.secret && session.loginName) {
    return link(session, session.loginName, session.secret.appPassword, true);
  }
  if (!(await endLoginFlowSession(session.idHash))) return { kind: "state_used" };
  if ("appPassword" in session.secret && session.loginName) {
    await discard(session.loginName, session.secret.appPassword);
  } else if ("pollToken" in session.secret) {
    // Granted in Nextcloud just before the cancel: do not leave an app password nobody holds.
    const last = await pollLoginFlow(nextcloudBaseUrl(), session.secret.pollToken).catch(() => undefined);
    if (last?.state === "granted") await discard(last.loginName, last.appPassword);
  }
  await recordAuditEvent({ event: "provisioned", outcome: "denied", userId: session.userId, clientId: session.clientId, detail: { credential: "app-password", reason: "cancelled" } });
  return { kind: "nextcloud_cancelled" };
}
