/**
 * The redirect URI of this server's own client at the IdP (Flow 2 callback).
 * All the checks live in lib/provisioning/complete-provisioning.ts; this
 * handler only turns the outcome into a 303 to the readable result page
 * (the code and state never stay in the address bar or the history).
 */
import { seeOther } from "@/lib/idp/interaction-http";
import { log } from "@/lib/log";
import { completeProvisioning } from "@/lib/provisioning/complete-provisioning";
import { resultPath, sealProvisioningResult, type ProvisioningResult } from "@/lib/provisioning/provisioning-result";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  let result: ProvisioningResult;
  try {
    result = await completeProvisioning(new URL(request.url).search);
  } catch (error) {
    log.error("provisioning callback failed", { reason: error instanceof Error ? error.message : String(error) });
    result = { kind: "failed" };
  }
  const response = seeOther(resultPath(await sealProvisioningResult(result)));
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}
