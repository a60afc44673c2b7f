/**
 * The consent form's target: Allow grants exactly what the consent page
 * showed; Deny sends `access_denied` back to the client (RFC 6749 §4.1.2.1).
 * Origin and form token are checked first; the answer is always a 303.
 */
import { z } from "zod";
import { approveConsent, checkCsrfToken, DENIED, finishInteraction, loadInteraction } from "@/lib/idp/interactions";
import { formProblem, interactionRequest, isSameOriginPost, seeOther, UID_PATTERN } from "@/lib/idp/interaction-http";

export const dynamic = "force-dynamic";

const ConsentForm = z.object({
  csrf: z.string().max(100),
  decision: z.enum(["allow", "deny"]),
});

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }): Promise<Response> {
  const { uid } = await params;
  if (!UID_PATTERN.test(uid)) return formProblem(404, "This request does not exist.");
  if (!isSameOriginPost(request)) return formProblem(403, "The form was sent from another site.");
  const page = `/interaction/${uid}`;

  let fields: Record<string, unknown>;
  try {
    fields = Object.fromEntries(await request.formData());
  } catch {
    return formProblem(400, "The form could not be read.");
  }
  // The form token first: without it, nothing else about the post matters.
  if (!(await checkCsrfToken(uid, fields.csrf))) return formProblem(403, "The form has expired or was not sent by this site.");
  const form = ConsentForm.safeParse(fields);
  if (!form.success) return formProblem(400, "The form was incomplete.");

  const input = interactionRequest(request);
  const interaction = await loadInteraction(input, uid);
  if (!interaction || interaction.prompt.name !== "consent") return seeOther(page);

  const result = form.data.decision === "allow" ? await approveConsent(interaction) : DENIED;
  const returnTo = await finishInteraction(input, uid, result, form.data.decision === "allow");
  return seeOther(returnTo);
}
