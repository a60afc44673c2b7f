/**
 * This server's OAuth client at the IdP (lib/oidc/server-client.ts), with the
 * transport chosen for speed: when the IdP is the built-in one, it lives in
 * this very process, so token, revocation and other endpoint requests are
 * handed to the provider in-process (lib/idp/in-process-transport.ts, which
 * the built-in IdP registers here with setInProcessIdpTransport) instead of a
 * loopback HTTP round trip through the web server. It is the same request
 * with the same client authentication, answered by the same oidc-provider
 * code and policy (RFC 8693 grant handler, client checks) — only the socket
 * is skipped. `npm run bench:exchange` measures both.
 *
 * An external IdP (OIDC_ISSUER) is always reached over HTTP.
 */
import * as oidc from "openid-client";
import { getConfig } from "@/lib/config";
import { getServerClient } from "@/lib/oidc/server-client";
import { processWide } from "@/lib/process-wide";


/** Answers one request at the built-in IdP, given the path under its mount (lib/idp/in-process-transport.ts). */
export type InProcessIdpTransport = (request: Request, providerPath: string) => Promise<Response>;
const transportHolder = () => processWide("idp-in-process-transport", () => ({ transport: undefined as InProcessIdpTransport | undefined }));
/** The client configurations whose fetch already goes through the transport (one per discovery). */
const routed = () => processWide("idp-client-in-process", () => new WeakSet<oidc.Configuration>());

/** Called by the built-in IdP when it is loaded (lib/idp/provider.ts); process-wide, like the provider itself. */
export function setInProcessIdpTransport(transport: InProcessIdpTransport): void {
  transportHolder().transport = transport;
}

/** A fetch that serves requests for the built-in issuer's endpoints through `transport`, anything else over the network. */
export function inProcessIdpFetch(issuer: string, transport: InProcessIdpTransport): typeof fetch {
  const prefix = `${issuer}/`;
  const mountPath = new URL(issuer).pathname;
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(prefix)) return fetch(input, init);
    return transport(new Request(url, init), new URL(url).pathname.slice(mountPath.length) || "/");
  };
}

export async function idpClient(): Promise<oidc.Configuration> {
  const client = await getServerClient();
  const config = getConfig();
  const transport = transportHolder().transport;
  // Without a registered transport (the IdP module not loaded in this process) the request goes over HTTP: slower, same answer.
  if (!config.BUILTIN_IDP || !transport) return client;
  if (!routed().has(client)) {
    client[oidc.customFetch] = inProcessIdpFetch(config.ISSUER, transport) as never;
    routed().add(client);
  }
  return client;
}
