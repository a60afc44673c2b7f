"use server";
/** Disable, enable or delete a client registry entry: administrators only (403 otherwise), Origin checked, input validated. */
import { redirect } from "next/navigation";
import { changeClientRegistration, clientChangeSchema } from "@/lib/dashboard/change-client-registration";
import { authorizeAction } from "@/lib/dashboard/session";

export async function changeClientAction(formData: FormData): Promise<void> {
  const admin = await authorizeAction({ returnTo: "/dashboard/admin", admin: true });
  const parsed = clientChangeSchema.safeParse({ clientId: formData.get("clientId"), change: formData.get("change") });
  if (!parsed.success) redirect("/dashboard/admin?error=invalid");
  const result = await changeClientRegistration({ adminId: admin.id, change: parsed.data });
  redirect(result.ok ? `/dashboard/admin?done=${parsed.data.change}` : `/dashboard/admin?error=${result.reason}`);
}
