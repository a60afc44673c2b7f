/**
 * "Continue to sign-in": a same-origin form POST, answered 303 to the IdP's
 * authorization endpoint (a full navigation, so the IdP's pages and cookies
 * work as with any relying party). Cross-site or Origin-less posts get 403.
 */
import { z } from "zod";
import { log } from "@/lib/log";
import { isSameOriginRequest, signInPath, signInResponse } from "@/lib/dashboard/session";

export const dynamic = "force-dynamic";

const form = z.object({ callbackUrl: z.string().max(512).catch("/dashboard") });

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginRequest(request)) return new Response("Forbidden: this form must be sent from this site.", { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  let returnTo = "/dashboard";
  try {
    returnTo = form.parse(Object.fromEntries(await request.formData())).callbackUrl;
  } catch {
    // Not a form: start from the dashboard.
  }
  try {
    return await signInResponse(returnTo);
  } catch (error) {
    log.warn("dashboard sign-in could not start", { reason: error instanceof Error ? error.message : String(error) });
    return new Response(null, { status: 303, headers: { Location: `${signInPath(returnTo)}&error=unavailable`, "Cache-Control": "no-store" } });
  }
}
