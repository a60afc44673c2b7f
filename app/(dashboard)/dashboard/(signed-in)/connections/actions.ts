"use server";
/** Revoke an MCP client's access: re-checks the person and the Origin, validates the client id, touches only the person's own grants. */
import { redirect } from "next/navigation";
import { clientIdSchema, revokeConnection } from "@/lib/dashboard/revoke-connection";
import { authorizeAction } from "@/lib/dashboard/session";

export async function revokeConnectionAction(formData: FormData): Promise<void> {
  const user = await authorizeAction({ returnTo: "/dashboard/connections" });
  const parsed = clientIdSchema.safeParse(formData.get("clientId"));
  if (!parsed.success) redirect("/dashboard/connections?error=invalid");
  const result = await revokeConnection({ userId: user.id, clientId: parsed.data });
  redirect(result.revoked ? "/dashboard/connections?done=revoked" : `/dashboard/connections?error=${result.reason}`);
}
