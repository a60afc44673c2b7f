"use server";
/** Admin actions: the client registry and the local accounts. Administrators only (403 otherwise), Origin checked, input validated. */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { changeClientRegistration, clientChangeSchema } from "@/lib/dashboard/change-client-registration";
import { accountChangeFields, changeAccount, type AccountChangeResult } from "@/lib/dashboard/manage-accounts";
import { authorizeAction } from "@/lib/dashboard/session";

/** Disable, enable or delete a client registry entry. */
export async function changeClientAction(formData: FormData): Promise<void> {
  const admin = await authorizeAction({ returnTo: "/dashboard/admin", admin: true });
  const parsed = clientChangeSchema.safeParse({ clientId: formData.get("clientId"), change: formData.get("change") });
  if (!parsed.success) redirect("/dashboard/admin?error=invalid");
  const result = await changeClientRegistration({ adminId: admin.id, change: parsed.data });
  redirect(result.ok ? `/dashboard/admin?done=${parsed.data.change}` : `/dashboard/admin?error=${result.reason}`);
}

/**
 * Add, disable, enable an account or reset its password: administrators only
 * (403 otherwise), Origin checked (CSRF), input validated in
 * lib/dashboard/manage-accounts.ts. Answers with the outcome instead of
 * redirecting, so a generated password reaches only this response (shown
 * once, never in a URL).
 */
export async function changeAccountAction(_previous: AccountChangeResult | null, formData: FormData): Promise<AccountChangeResult> {
  const admin = await authorizeAction({ returnTo: "/dashboard/admin", admin: true });
  const result = await changeAccount({ admin, fields: accountChangeFields(formData) });
  if (result.ok) revalidatePath("/dashboard/admin");
  return result;
}
