/**
 * "Continue" on the provisioning page: a same-origin form POST (OWASP CSRF:
 * the Origin is checked; the `request` value itself is an unguessable,
 * single-use id of a request kept server-side). The ticked boxes arrive as
 * repeated `scope` fields. Always answers 303 See Other: to the IdP's
 * authorization endpoint, or to the readable result page.
 */
import { isSameOriginPost, seeOther } from "@/lib/idp/interaction-http";
import { log } from "@/lib/log";
import { beginProvisioning } from "@/lib/provisioning/begin-provisioning";
import { resultPath, sealProvisioningResult, type ProvisioningResult } from "@/lib/provisioning/provisioning-result";

export const dynamic = "force-dynamic";

const MAX_FORM_BYTES = 16 * 1024;

async function toResult(result: ProvisioningResult): Promise<Response> {
  return seeOther(resultPath(await sealProvisioningResult(result)));
}

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginPost(request)) return toResult({ kind: "forbidden_origin" });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) return toResult({ kind: "link_invalid" });
  let value: FormDataEntryValue | null;
  let ticked: FormDataEntryValue[];
  try {
    const form = await request.formData();
    value = form.get("request");
    ticked = form.getAll("scope");
  } catch {
    return toResult({ kind: "link_invalid" });
  }
  try {
    const outcome = await beginProvisioning(value, ticked);
    if (!outcome.ok) return toResult(outcome.result);
    return new Response(null, { status: 303, headers: { Location: outcome.authorizationUrl, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
  } catch (error) {
    log.error("provisioning could not start", { reason: error instanceof Error ? error.message : String(error) });
    return toResult({ kind: "failed" });
  }
}
