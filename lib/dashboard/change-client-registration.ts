/**
 * An administrator disables, enables or deletes a client registry entry.
 *
 * - Disable: the client is refused everywhere within seconds (client
 *   registry cache): at the IdP's authorization and token endpoints and on
 *   the MCP endpoint. Enable undoes it.
 * - Delete (dynamic, CIMD and external clients): every IdP grant of the
 *   client is revoked with its tokens, a dynamically registered client's
 *   registration at the IdP is removed (RFC 7592 §2.3 semantics: the
 *   client_id is no longer valid), and the registry entry goes. A CIMD or
 *   external client may appear again when used; disable it to keep it out.
 * - This server's own client can be neither disabled nor deleted (sign-in,
 *   provisioning and token exchange depend on it); pre-registered clients come
 *   from ALLOWED_MCP_CLIENTS and are removed there, not here.
 */
import { z } from "zod";
import { deleteClient, setClientDisabled } from "@/lib/auth/client-registry";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { clientIdSchema } from "./revoke-connection";
import { revokeIdpGrants } from "./revoke-idp-grants";

export const clientChangeSchema = z.object({ clientId: clientIdSchema, change: z.enum(["disable", "enable", "delete"]) });
export type ClientChange = z.infer<typeof clientChangeSchema>;

export type ClientChangeResult = { ok: true } | { ok: false; reason: "not_found" | "protected" | "configured" };

export async function changeClientRegistration(input: { adminId: string; change: unknown }): Promise<ClientChangeResult> {
  const { clientId, change } = clientChangeSchema.parse(input.change);
  const prisma = await db();
  const row = await prisma.clientRegistration.findUnique({ where: { clientId } });
  if (!row) return { ok: false, reason: "not_found" };
  if (row.kind === "internal" || clientId === getConfig().OIDC_CLIENT_ID) return { ok: false, reason: "protected" };

  if (change === "disable" || change === "enable") {
    await setClientDisabled(clientId, change === "disable");
  } else {
    if (row.kind === "preregistered") return { ok: false, reason: "configured" };
    if (getConfig().BUILTIN_IDP) {
      const grants = await prisma.oidcPayload.findMany({ where: { model: "Grant", clientId }, select: { id: true } });
      await revokeIdpGrants(grants.map((g) => g.id));
      if (row.kind === "dynamic") await prisma.oidcPayload.deleteMany({ where: { model: "Client", id: clientId } });
    }
    await deleteClient(clientId);
  }
  log.info("client registry changed by an administrator", { clientId, change, adminId: input.adminId });
  return { ok: true };
}
