/**
 * The process's token verifier, configured from the environment: the trusted
 * issuer (OIDC_ISSUER, or the built-in IdP at `${APP_URL}/api/oidc`), its keys
 * through its discovery document, the accepted audiences (MCP_AUDIENCES) and
 * the client registry. One instance per process (lib/process-wide: Next.js
 * may load this module more than once), so the key and token caches are shared.
 */
import { createAccessTokenVerifier, type AccessTokenVerifier, type VerifiedAccessToken } from "@/lib/auth/access-token-verifier";
import { checkClient, touchClient } from "@/lib/auth/client-registry";
import { currentGrant } from "@/lib/auth/grant-liveness";
import { createIssuerKeySource } from "@/lib/auth/issuer-keys";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";

export function getAccessTokenVerifier(): AccessTokenVerifier {
  return processWide("access-token-verifier", () => {
    const config = getConfig();
    return createAccessTokenVerifier({
      issuer: config.ISSUER,
      audiences: config.MCP_AUDIENCES,
      keys: createIssuerKeySource(config.ISSUER),
      checkClient,
      // The built-in IdP's JWTs name their grant (`gid`): revoked → refused, narrowed → fewer scopes.
      // An external IdP's revocation and narrowing are its own business.
      ...(config.BUILTIN_IDP ? { checkGrant: currentGrant } : {}),
    });
  });
}

/** Verifies an MCP access token; throws InvalidAccessTokenError or VerifierUnavailableError. */
export async function verifyAccessToken(token: string): Promise<VerifiedAccessToken> {
  const verified = await getAccessTokenVerifier().verify(token);
  // Last-use bookkeeping for the client registry: at most once a minute per client, never blocks the call.
  touchClient(verified.clientId).catch((error: unknown) => log.warn("could not record client use", { clientId: verified.clientId, reason: String(error) }));
  return verified;
}
