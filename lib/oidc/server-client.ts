/**
 * This server as a confidential OAuth client of the IdP ("mcp-server"):
 * used to provision Nextcloud access (Flow 2), to exchange session tokens
 * (RFC 8693) and to refresh background tokens. One openid-client
 * Configuration per process, from the IdP's discovery document; the client
 * authenticates with client_secret_basic (RFC 6749 §2.3.1).
 *
 * An http issuer is accepted only for loopback hosts (local development and
 * tests); anything else must be https.
 */
import * as oidc from "openid-client";
import { getConfig } from "@/lib/config";
import { forgetProcessWide, processWide, processWideAsync } from "@/lib/process-wide";

export type ClientSecretResolver = () => Promise<string>;

const CLIENT = "server-client";
/** The built-in IdP's secret reader, set when its module loads (process-wide, like the client). */
const resolverHolder = () => processWide("server-client-secret", () => ({ read: undefined as ClientSecretResolver | undefined }));

export class IdpUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The identity provider cannot be reached: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "IdpUnavailableError";
  }
}

/**
 * The built-in IdP registers how its generated client secret is read; with an
 * external IdP the secret comes from OIDC_CLIENT_SECRET.
 */
export function setServerClientSecretResolver(read: ClientSecretResolver): void {
  resolverHolder().read = read;
  forgetProcessWide(CLIENT);
}

async function clientSecret(): Promise<string> {
  const config = getConfig();
  if (config.OIDC_CLIENT_SECRET) return config.OIDC_CLIENT_SECRET;
  const read = resolverHolder().read;
  if (!read) throw new Error("no client secret: set OIDC_CLIENT_SECRET or use the built-in IdP");
  return read();
}

function isLoopback(url: URL): boolean {
  return url.hostname === "localhost" || url.hostname === "127.0.0.1" || url.hostname === "[::1]";
}

async function discover(): Promise<oidc.Configuration> {
  const config = getConfig();
  const issuer = new URL(config.ISSUER);
  const insecure = issuer.protocol === "http:";
  if (insecure && !isLoopback(issuer)) throw new Error(`the issuer ${issuer.origin} must use https`);
  try {
    return await oidc.discovery(issuer, config.OIDC_CLIENT_ID, undefined, oidc.ClientSecretBasic(await clientSecret()), {
      timeout: 10,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  } catch (error) {
    throw new IdpUnavailableError(error);
  }
}

/** The process's client configuration; a failed discovery is retried on the next call. */
export function getServerClient(): Promise<oidc.Configuration> {
  return processWideAsync(CLIENT, discover);
}

export const callbackUrls = () => {
  const base = getConfig().APP_URL;
  return { provisioning: `${base}/oauth/callback-nextcloud`, dashboard: `${base}/api/auth/callback/idp` };
};
