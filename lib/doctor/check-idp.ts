/**
 * The identity provider as clients and Nextcloud see it: OpenID Connect
 * Discovery 1.0 §4 (the document at `${issuer}/.well-known/openid-configuration`,
 * whose `issuer` must equal the configured one exactly, §4.3), its JWKS
 * (public keys only: RFC 7517 §4 — a "d" member would be a private key) and
 * the RFC 8693 token-exchange grant every tool call relies on.
 */
import type { Config } from "@/lib/config";
import { isRecord } from "@/lib/is-record";
import { fetchJson } from "./fetch-json";
import { error, ok, reasonOf, type DoctorLine } from "./report";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

export async function checkIdp(config: Config): Promise<DoctorLine[]> {
  const issuer = config.ISSUER;
  const which = config.BUILTIN_IDP ? "built-in IdP" : "external IdP";
  const unreachableFix = config.BUILTIN_IDP
    ? "The built-in IdP is served by this app at APP_URL: start the app, and make APP_URL reachable from where the doctor runs."
    : "Check OIDC_ISSUER (exactly the issuer, e.g. https://keycloak.example.com/realms/NAME) and that it is reachable from this server.";
  let discovery;
  try {
    discovery = await fetchJson(`${issuer}/.well-known/openid-configuration`);
  } catch (cause) {
    return [error("idp.discovery", `${which} at ${issuer} did not answer: ${reasonOf(cause)}`, unreachableFix)];
  }
  if (discovery.status !== 200 || !isRecord(discovery.json)) {
    return [error("idp.discovery", `${issuer}/.well-known/openid-configuration answered ${discovery.status} without a discovery document`, unreachableFix)];
  }
  const doc = discovery.json;
  const lines: DoctorLine[] = [];
  if (doc.issuer !== issuer) {
    lines.push(error("idp.discovery", `the document names issuer ${String(doc.issuer)}, not ${issuer}`, "Set OIDC_ISSUER (or APP_URL for the built-in IdP) to exactly the issuer the IdP announces."));
  } else lines.push(ok("idp.discovery", `${which} at ${issuer}`));

  const grants = Array.isArray(doc.grant_types_supported) ? doc.grant_types_supported : [];
  lines.push(
    grants.includes(TOKEN_EXCHANGE)
      ? ok("idp.token_exchange", "RFC 8693 token exchange offered")
      : error("idp.token_exchange", "the IdP does not announce the token-exchange grant (RFC 8693)", "Use Keycloak ≥ 26.2 with standard token exchange enabled on this server's client (docs/deploy.md)."),
  );

  if (typeof doc.jwks_uri !== "string") {
    lines.push(error("idp.jwks", "the discovery document has no jwks_uri", "The IdP must publish its signing keys."));
    return lines;
  }
  try {
    const jwks = await fetchJson(doc.jwks_uri);
    const keys = isRecord(jwks.json) && Array.isArray(jwks.json.keys) ? (jwks.json.keys as unknown[]) : null;
    if (jwks.status !== 200 || !keys) lines.push(error("idp.jwks", `${doc.jwks_uri} answered ${jwks.status} without a key set`, "The IdP must publish its signing keys at jwks_uri."));
    else if (keys.some((k) => isRecord(k) && "d" in k)) lines.push(error("idp.jwks", "the key set publishes private key material", "Rotate the IdP's signing keys at once and fix its key publication."));
    else if (keys.length === 0) lines.push(error("idp.jwks", "the key set is empty: no token can be verified", "Give the IdP an active signing key."));
    else lines.push(ok("idp.jwks", `${keys.length} public key(s)`));
  } catch (cause) {
    lines.push(error("idp.jwks", `${doc.jwks_uri} did not answer: ${reasonOf(cause)}`, "Make jwks_uri reachable from this server."));
  }
  return lines;
}

