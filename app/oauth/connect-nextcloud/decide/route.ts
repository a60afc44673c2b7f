/**
 * The person's answer on the Login Flow v2 page: confirm connecting a
 * Nextcloud account other than the expected one, or cancel. A same-origin
 * form POST (Origin checked, OWASP CSRF) from the browser holding the flow's
 * HttpOnly cookie; always 303 to the readable result page.
 */
import { cookies } from "next/headers";
import { isSameOriginPost, seeOther } from "@/lib/idp/interaction-http";
import { log } from "@/lib/log";
import { decideNextcloudLogin } from "@/lib/provisioning/connect-nextcloud-account";
import { LOGIN_FLOW_COOKIE } from "@/lib/provisioning/login-flow-sessions";
import { resultPath, sealProvisioningResult, type ProvisioningResult } from "@/lib/provisioning/provisioning-result";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  let result: ProvisioningResult;
  if (!isSameOriginPost(request)) {
    result = { kind: "forbidden_origin" };
  } else {
    try {
      const decision = (await request.formData()).get("decision");
      result =
        decision === "confirm" || decision === "cancel"
          ? await decideNextcloudLogin((await cookies()).get(LOGIN_FLOW_COOKIE)?.value, decision)
          : { kind: "state_unknown" };
    } catch (error) {
      log.error("the Nextcloud account decision failed", { reason: error instanceof Error ? error.message : String(error) });
      result = { kind: "failed" };
    }
  }
  const response = seeOther(resultPath(await sealProvisioningResult(result)));
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}
