/**
 * The redirect URI of this server's own client at the IdP (Flow 2 callback).
 * All the checks live in lib/provisioning/complete-provisioning.ts; this
 * handler only turns the outcome into a 303 to the readable result page
 * (the code and state never stay in the address bar or the history).
 * NEXTCLOUD_AUTH=app-password: a grant without a connected Nextcloud account
 * continues to Nextcloud Login Flow v2 (/oauth/connect-nextcloud), bound to
 * this browser by an HttpOnly cookie.
 */
import { getConfig } from "@/lib/config";
import { seeOther } from "@/lib/idp/interaction-http";
import { log } from "@/lib/log";
import { completeProvisioningWithIdentity, type CompletedProvisioning } from "@/lib/provisioning/complete-provisioning";
import { beginNextcloudLogin } from "@/lib/provisioning/connect-nextcloud-account";
import { getGrant } from "@/lib/provisioning/grant-store";
import { LOGIN_FLOW_COOKIE, loginFlowTtlSeconds } from "@/lib/provisioning/login-flow-sessions";
import { resultPath, sealProvisioningResult, type ProvisioningResult } from "@/lib/provisioning/provisioning-result";

export const dynamic = "force-dynamic";

const CONNECT_PATH = "/oauth/connect-nextcloud";
const COOKIE_GRACE_SECONDS = 300;

/** App-password mode: on to Login Flow v2, or the result naming the account already connected. */
async function continueWithAppPassword(completed: CompletedProvisioning): Promise<Response | ProvisioningResult> {
  const { result, userId } = completed;
  if (result.kind !== "provisioned" || !userId) return result;
  const grant = await getGrant(userId, getConfig().NEXTCLOUD_AUDIENCE);
  if (grant?.nextcloudLoginName) return { ...result, nextcloudAccount: grant.nextcloudLoginName };
  let id: string;
  try {
    id = await beginNextcloudLogin({ userId, clientId: completed.clientId, tool: result.tool, claims: completed.claims });
  } catch (error) {
    log.warn("Nextcloud Login Flow v2 could not be started", { reason: error instanceof Error ? error.message : String(error) });
    return { kind: "nextcloud_unavailable" };
  }
  const response = seeOther(CONNECT_PATH);
  const secure = getConfig().APP_URL.startsWith("https:") ? "; Secure" : "";
  // The cookie outlives the flow by a few minutes: at the limit the browser must still send it, or the
  // page could only say "nothing to continue" instead of "timed out" (found by the Chromium test).
  response.headers.append("Set-Cookie", `${LOGIN_FLOW_COOKIE}=${id}; Path=${CONNECT_PATH}; Max-Age=${loginFlowTtlSeconds() + COOKIE_GRACE_SECONDS}; HttpOnly; SameSite=Lax${secure}`);
  return response;
}

export async function GET(request: Request): Promise<Response> {
  let result: ProvisioningResult;
  try {
    const completed = await completeProvisioningWithIdentity(new URL(request.url).search);
    const next = getConfig().NEXTCLOUD_AUTH === "app-password" ? await continueWithAppPassword(completed) : completed.result;
    if (next instanceof Response) {
      next.headers.set("Referrer-Policy", "no-referrer");
      return next;
    }
    result = next;
  } catch (error) {
    log.error("provisioning callback failed", { reason: error instanceof Error ? error.message : String(error) });
    result = { kind: "failed" };
  }
  const response = seeOther(resultPath(await sealProvisioningResult(result)));
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}
