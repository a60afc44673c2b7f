/**
 * Rules for client metadata, applied by oidc-provider's (synchronous)
 * extraClientMetadata.validator to every client it builds: dynamically
 * registered (RFC 7591), Client ID Metadata Documents, stored and static ones.
 *
 * - redirect_uris (RFC 7591 §2, RFC 8252 §7, OAuth 2.1 §2.3.1): https; or
 *   http on a loopback host (127.0.0.1, [::1], localhost) with any port
 *   (RFC 8252 §7.3: such clients become `native`, for which oidc-provider
 *   ignores the port when matching); or a private-use scheme (RFC 8252 §7.1).
 *   Never fragments, wildcards, credentials or dangerous schemes.
 * - grant_types: authorization_code and refresh_token only. The token-exchange
 *   grant belongs to this server's own client alone: an MCP client that could
 *   exchange tokens would reach Nextcloud directly.
 * - token_endpoint_auth_method: none for every client from the outside (DCR,
 *   CIMD). MCP clients are public clients that prove possession with PKCE
 *   (OAuth 2.1 §2.1, MCP authorization spec); a client secret issued to one
 *   would be stored by oidc-provider in clear in oidc_payloads and protect
 *   nothing PKCE does not. A request for a secret method is refused with
 *   invalid_client_metadata (RFC 7591 §3.2.2). Static clients configured by
 *   the operator (this server's own) may use a client secret method.
 * - application_type (OIDC Registration §2; MCP 2026-07-28 client
 *   registration, "Application Type and Redirect URI Constraints"): `native`
 *   clients register loopback http, private-use scheme or claimed https
 *   redirect URIs (RFC 8252 §7); `web` clients https redirect URIs only (OIDC
 *   Registration §2 lets the server refuse http other than a native client's
 *   loopback; a `web` loopback client would also lose the port variance and
 *   the consent-on-every-authorization of native clients). A contradiction is
 *   refused with invalid_redirect_uri, so the client can retry with the other
 *   type as the MCP spec tells it to. Missing (clients of MCP 2025-11-25 and
 *   before, which were never asked for it; 2026-07-28 clients MUST send it):
 *   inferred from the redirect URIs — native when any is loopback or
 *   private-use, web when all are https — rather than OIDC's default `web`,
 *   which would refuse every such older native client. oidc-provider fills
 *   in `web` before this check runs, so what a client declared is read from
 *   its registration request (RFC 7591 §2); for a client ID metadata document
 *   or a stored client only a `native` is known to be declared, and a `web`
 *   next to native-style redirect URIs becomes `native` (never weaker: native
 *   clients are asked for consent every time).
 * - client_name required (≤ 100 characters, no control characters) for
 *   registered and CIMD clients; scope values only from the catalogue (then
 *   dropped: what a client gets is decided per request, by resource and consent).
 */
import type { ClientMetadata } from "oidc-provider";
import { isKnownScope, parseScope } from "@/lib/auth/scopes";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const POLICY_PROPERTY = "nextcloud_mcp_policy";
export const CLIENT_NAME_MAX = 100;

const ALLOWED_GRANTS = new Set(["authorization_code", "refresh_token"]);
const ALLOWED_AUTH_METHODS = new Set(["none", "client_secret_basic", "client_secret_post"]);
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "about:", "blob:", "filesystem:", "ws:", "wss:", "ftp:", "mailto:", "tel:"]);

export class ClientMetadataError extends Error {
  constructor(
    /** RFC 7591 §3.2.2 error code. */
    readonly code: "invalid_redirect_uri" | "invalid_client_metadata",
    message: string,
  ) {
    super(message);
    this.name = "ClientMetadataError";
  }
}

export type RedirectKind = "https" | "loopback" | "private-use";
export type ApplicationType = "native" | "web";

/** Classifies one redirect URI, or throws with the reason it is refused. */
export function classifyRedirectUri(value: unknown): RedirectKind {
  const bad = (why: string) => new ClientMetadataError("invalid_redirect_uri", `redirect_uris ${why}`);
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) throw bad("must be non-empty strings of at most 2000 characters");
  if (/[\s\\<>"'`]/.test(value) || [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw bad("must not contain spaces, quotes or control characters");
  if (value.includes("#")) throw bad("must not contain a fragment (RFC 6749 §3.1.2)");
  if (value.includes("*")) throw bad("must not contain wildcards");
  const url = URL.parse(value);
  if (!url) throw bad("must be absolute URIs");
  if (url.username || url.password) throw bad("must not contain credentials");
  if (FORBIDDEN_SCHEMES.has(url.protocol)) throw bad(`must not use the ${url.protocol.slice(0, -1)} scheme`);
  if (url.protocol === "https:") {
    if (!url.hostname) throw bad("must name a host");
    return "https";
  }
  if (url.protocol === "http:") {
    if (LOOPBACK_HOSTS.has(url.hostname)) return "loopback";
    throw bad("must use https, or http only on a loopback host (RFC 8252 §7.3)");
  }
  // Private-use URI scheme (RFC 8252 §7.1), e.g. com.example.app:/callback.
  if (!/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) throw bad("must use a valid scheme");
  return "private-use";
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Checks (and normalises) one client's metadata. `strict`: a client from the
 * outside (DCR, CIMD); static clients configured by the operator skip the
 * naming rules. `internalClientId`: the only client allowed token exchange.
 */
export function enforceClientMetadata(
  metadata: ClientMetadata,
  options: {
    strict: boolean;
    internalClientId: string;
    /** The RFC 7591 registration (or update) request body, when the metadata comes from one. */
    registrationRequest?: Record<string, unknown>;
  },
): void {
  const isInternal = !options.strict && metadata.client_id === options.internalClientId;
  const meta = (why: string) => new ClientMetadataError("invalid_client_metadata", why);

  const grants = metadata.grant_types ?? [];
  if (!Array.isArray(grants) || grants.length === 0) throw meta("grant_types must be a non-empty array");
  for (const grant of grants) {
    if (grant === TOKEN_EXCHANGE_GRANT && isInternal) continue;
    if (!ALLOWED_GRANTS.has(grant)) throw meta(`grant_types must only contain authorization_code and refresh_token (${String(grant).slice(0, 80)} is not allowed)`);
  }

  const method = metadata.token_endpoint_auth_method;
  if (method !== undefined && !ALLOWED_AUTH_METHODS.has(method)) {
    throw meta("token_endpoint_auth_method must be none, client_secret_basic or client_secret_post");
  }
  if (options.strict && method !== undefined && method !== "none") {
    throw meta("token_endpoint_auth_method must be none: clients register as public clients and use PKCE");
  }

  const redirects = metadata.redirect_uris;
  if (grants.includes("authorization_code")) {
    if (!Array.isArray(redirects) || redirects.length === 0) throw new ClientMetadataError("invalid_redirect_uri", "redirect_uris must hold at least one URI");
    if (redirects.length > 20) throw new ClientMetadataError("invalid_redirect_uri", "redirect_uris must hold at most 20 URIs");
  }
  const kinds = (redirects ?? []).map(classifyRedirectUri);
  for (const uri of metadata.post_logout_redirect_uris ?? []) classifyRedirectUri(uri);
  const declared = options.registrationRequest ? options.registrationRequest.application_type : metadata.application_type === "native" ? "native" : undefined;
  metadata.application_type = applicationType(declared, kinds);

  if (options.strict) {
    const name = str(metadata.client_name);
    if (name === undefined || name.trim().length === 0) throw meta("client_name is required");
    if (name.length > CLIENT_NAME_MAX) throw meta(`client_name must be at most ${CLIENT_NAME_MAX} characters`);
    if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw meta("client_name must not contain control characters");
    if (metadata.scope !== undefined) {
      if (typeof metadata.scope !== "string") throw meta("scope must be a string");
      const unknown = parseScope(metadata.scope).filter((s) => !isKnownScope(s));
      if (unknown.length > 0) throw meta(`scope contains unknown values: ${unknown.slice(0, 5).join(" ").slice(0, 120)}`);
    }
    // oidc-provider would check `scope` against its OIDC scopes only and then
    // use it as a per-client allow-list of OIDC scopes; resource scopes are
    // governed by the resource policy and the user's consent instead.
    delete metadata.scope;
    const responseTypes = metadata.response_types ?? ["code"];
    if (!Array.isArray(responseTypes) || responseTypes.some((t) => t !== "code")) throw meta("response_types must be [\"code\"]");
  }
}

/**
 * The application_type a client gets (see the file comment): the declared one
 * when its redirect URIs fit it, the inferred one when none was declared.
 * Inferred `native` also gives loopback redirects the port variance of
 * RFC 8252 §7.3, which oidc-provider applies to native clients only.
 */
export function applicationType(declared: unknown, kinds: readonly RedirectKind[]): ApplicationType {
  const nativeStyle = kinds.some((k) => k !== "https");
  if (declared === undefined) return nativeStyle ? "native" : "web";
  if (declared !== "native" && declared !== "web") throw new ClientMetadataError("invalid_client_metadata", "application_type must be native or web");
  if (declared === "web" && nativeStyle) {
    throw new ClientMetadataError(
      "invalid_redirect_uri",
      "redirect_uris of a web client must use https; register loopback or private-use scheme redirect URIs with application_type native (OIDC Registration §2, RFC 8252 §7)",
    );
  }
  return declared;
}
