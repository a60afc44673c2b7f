/**
 * Start-up of the built-in IdP (from lib/server/start-server.ts): creates the
 * provider once so that keys, cookie keys and the internal client's secret
 * exist, and the configured clients are in the client registry, before the
 * first request; and tells this server's own OAuth client where its secret is.
 */
import { getConfig } from "@/lib/config";
import { setServerClientSecretResolver } from "@/lib/oidc/server-client";
import { getProvider } from "./provider";
import { internalClientSecret } from "./static-clients";

export async function startBuiltinIdp(): Promise<void> {
  if (!getConfig().BUILTIN_IDP) return;
  await getProvider();
  setServerClientSecretResolver(internalClientSecret);
}
