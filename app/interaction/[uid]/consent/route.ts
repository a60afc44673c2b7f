/**
 * The consent form's target: Allow grants exactly the scopes the person
 * ticked (validated against what the page offered: a forged extra scope
 * refuses the form); Deny sends `access_denied` back to the client (RFC 6749
 * §4.1.2.1). Origin and form token are checked first; the answer is a 303,
 * or a readable 400 page for a bad form.
 */
import { z } from "zod";
import { approveConsent, checkCsrfToken, DENIED, finishInteraction, loadInteraction } from "@/lib/idp/interactions";
import { formProblem, interactionRequest, readInteractionForm, seeOther } from "@/lib/idp/interaction-http";
import { offeredResourceScopes } from "@/lib/mcp/offered-scopes";

export const dynamic = "force-dynamic";

const ConsentForm = z.object({
  csrf: z.string().max(100),
  decision: z.enum(["allow", "deny"]),
});

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }): Promise<Response> {
  const { uid } = await params;
  const read = await readInteractionForm(request, uid, checkCsrfToken);
  if ("refusal" in read) return read.refusal;
  const page = `/interaction/${uid}`;
  const form = ConsentForm.safeParse(read.fields);
  if (!form.success) return formProblem(400, "The form was incomplete.");

  const input = interactionRequest(request);
  const interaction = await loadInteraction(input, uid);
  if (!interaction || interaction.prompt.name !== "consent") return seeOther(page);

  let result: Record<string, unknown> = DENIED;
  if (form.data.decision === "allow") {
    const answer = await approveConsent(interaction, offeredResourceScopes(), read.fields.scope);
    if (!answer.ok) return formProblem(400, answer.reason);
    result = answer.result;
  }
  const returnTo = await finishInteraction(input, uid, result, form.data.decision === "allow");
  return seeOther(returnTo);
}
