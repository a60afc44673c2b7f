/**
 * The effective client registry policy, read-only, as configured: who may
 * connect and how clients get registered. Changing it means changing the
 * configuration (README, "Configuration"), not clicking in the dashboard.
 */
import { preregisteredClients, type PreregisteredClient } from "@/lib/auth/client-registry";
import { getConfig } from "@/lib/config";

export interface RegistryPolicy {
  policy: "open" | "allowlist";
  builtinIdp: boolean;
  issuer: string;
  dynamicRegistration: boolean;
  clientMetadataDocuments: boolean;
  progressiveConsent: boolean;
  /** NEXTCLOUD_AUTH: how requests reach Nextcloud. */
  nextcloudAuth: "bearer" | "app-password";
  allowlist: PreregisteredClient[];
}

export function describeRegistryPolicy(): RegistryPolicy {
  const config = getConfig();
  const open = config.MCP_CLIENT_POLICY === "open";
  return {
    policy: config.MCP_CLIENT_POLICY,
    builtinIdp: config.BUILTIN_IDP,
    issuer: config.ISSUER,
    // The built-in IdP serves DCR and CIMD only under the open policy (lib/idp/configuration.ts).
    dynamicRegistration: config.BUILTIN_IDP && open && config.ENABLE_DCR,
    clientMetadataDocuments: config.BUILTIN_IDP && open && config.ENABLE_CIMD,
    progressiveConsent: config.ENABLE_PROGRESSIVE_CONSENT,
    nextcloudAuth: config.NEXTCLOUD_AUTH,
    allowlist: preregisteredClients(),
  };
}
