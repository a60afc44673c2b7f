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

const MARK = Symbol.for("nextcloud-mcp.idp-client-in-process");
const TRANSPORT = Symbol.for("nextcloud-mcp.idp-in-process-transport");

/** Answers one request at the built-in IdP, given the path under its mount (lib/idp/in-process-transport.ts). */
export type InProcessIdpTransport = (request: Request, providerPath: string) => Promise<Response>;
type Holder = { [TRANSPORT]?: InProcessIdpTransport };

/** Called by the built-in IdP when it is loaded (lib/idp/provider.ts); process-wide, like the provider itself. */
export function setInProcessIdpTransport(transport: InProcessIdpTransport): void {
  (globalThis as Holder)[TRANSPORT] = transport;
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
  const transport = (globalThis as Holder)[TRANSPORT];
  // Without a registered transport (the IdP module not loaded in this process) the request goes over HTTP: slower, same answer.
  if (!config.BUILTIN_IDP || !transport) return client;
  const marked = client as oidc.Configuration & { [MARK]?: true };
  if (!marked[MARK]) {
    client[oidc.customFetch] = inProcessIdpFetch(config.ISSUER, transport) as never;
    marked[MARK] = true;
  }
  return client;
}
