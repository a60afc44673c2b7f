/**
 * "Sign out": a same-origin form POST. Ends the dashboard session, then the
 * identity provider's session (RP-initiated logout, 303 to its end-session
 * endpoint). Cross-site or Origin-less posts get 403: nobody can sign a
 * person out from another site.
 */
import { isSameOriginRequest, signOutResponse } from "@/lib/dashboard/session";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginRequest(request)) return new Response("Forbidden: this form must be sent from this site.", { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return signOutResponse();
}
