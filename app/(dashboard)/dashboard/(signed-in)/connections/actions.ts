"use server";
/**
 * Connections: revoke a client, or narrow what it may do. Each action
 * re-checks the person and the Origin, validates its input, and reaches only
 * the person's own grants: the client is named by its group key, which is
 * looked up among the signed-in person's connections, never trusted.
 */
import { redirect } from "next/navigation";
import { groupKeySchema, narrowConnectionGroup } from "@/lib/dashboard/narrow-connection";
import { revokeConnectionGroup } from "@/lib/dashboard/revoke-connection";
import { authorizeAction } from "@/lib/dashboard/session";

const PAGE = "/dashboard/connections";

export async function revokeConnectionAction(formData: FormData): Promise<void> {
  const user = await authorizeAction({ returnTo: PAGE });
  const key = groupKeySchema.safeParse(formData.get("group"));
  if (!key.success) redirect(`${PAGE}?error=invalid`);
  const result = await revokeConnectionGroup({ userId: user.id, key: key.data });
  redirect(result.revoked ? `${PAGE}?done=revoked` : `${PAGE}?error=${result.reason}`);
}

export async function narrowConnectionAction(formData: FormData): Promise<void> {
  const user = await authorizeAction({ returnTo: PAGE });
  const key = groupKeySchema.safeParse(formData.get("group"));
  if (!key.success) redirect(`${PAGE}?error=invalid`);
  let result;
  try {
    result = await narrowConnectionGroup({ userId: user.id, key: key.data, keep: formData.getAll("scope") });
  } catch {
    redirect(`${PAGE}?error=invalid`);
  }
  redirect(result.narrowed ? `${PAGE}?done=narrowed` : `${PAGE}?error=${result.reason}`);
}
