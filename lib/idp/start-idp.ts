/**
 * Start-up of the built-in IdP (from lib/server/start-server.ts): creates the
 * provider once so that keys, cookie keys and the internal client's secret
 * exist, and the configured clients are in the client registry, before the
 * first request; and tells this server's own OAuth client where its secret is.
 */
import { getConfig } from "@/lib/config";
import { setServerClientSecretResolver } from "@/lib/oidc/server-client";
import { getProvider } from "./provider";
import { setOfferedResourceScopes } from "./resources";
import { internalClientSecret } from "./static-clients";

/** `offeredScopes`: the resource scopes some tool uses (lib/mcp/offered-scopes.ts), see lib/idp/resources.ts. */
export async function startBuiltinIdp(options: { offeredScopes: readonly string[] }): Promise<void> {
  if (!getConfig().BUILTIN_IDP) return;
  setOfferedResourceScopes(options.offeredScopes);
  await getProvider();
  setServerClientSecretResolver(internalClientSecret);
}
