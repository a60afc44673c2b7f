/**
 * The sign-in form's target: checks origin and form token, authenticates
 * (rate-limited, one generic failure answer), and hands the result to the
 * identity provider. Always answers 303 so it works without JavaScript.
 */
import { z } from "zod";
import { authenticate } from "@/lib/accounts";
import { checkCsrfToken, finishInteraction, loadInteraction } from "@/lib/idp/interactions";
import { clientAddress, interactionRequest, readInteractionForm, seeOther } from "@/lib/idp/interaction-http";

export const dynamic = "force-dynamic";

const LoginForm = z.object({
  csrf: z.string().max(100),
  username: z.string().max(256),
  password: z.string().max(1024),
});

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }): Promise<Response> {
  const { uid } = await params;
  const read = await readInteractionForm(request, uid, checkCsrfToken);
  if ("refusal" in read) return read.refusal;
  const page = `/interaction/${uid}`;
  const form = LoginForm.safeParse(read.fields);
  if (!form.success) return seeOther(`${page}?error=invalid_credentials`);

  const input = interactionRequest(request);
  const interaction = await loadInteraction(input, uid);
  if (!interaction) return seeOther(page); // the page explains that the request expired
  if (interaction.prompt.name !== "login") return seeOther(page);

  const result = await authenticate({ username: form.data.username, password: form.data.password, ip: clientAddress(request) });
  if (!result.ok) {
    const retry = result.error === "rate_limited" && result.retryAfterSeconds ? `&retry=${Math.ceil(result.retryAfterSeconds)}` : "";
    return seeOther(`${page}?error=${result.error}${retry}`);
  }
  const returnTo = await finishInteraction(input, uid, { login: { accountId: result.account.id } });
  return seeOther(returnTo);
}
