/**
 * Which registrations are "the same client" to a person. An MCP client that
 * registers itself (RFC 7591) may do so again at every install, restart or
 * reconnect, and each registration gets a new client_id; the person still
 * sees one application. Grouping rules:
 * - a client ID metadata document: its URL is its identity (one id already);
 * - a dynamically registered client: the same `software_id` (RFC 7591 §2,
 *   stable across instances of one piece of software) when it declares one,
 *   else the same client_name; and the same redirect URIs, where loopback
 *   URIs are compared without their port (RFC 8252 §7.3: native apps pick
 *   any free port each time);
 * - anything else (pre-registered, unknown): the client_id itself.
 * The key is a digest, so it can travel in a form or a URL without exposing
 * or trusting client ids: the server recomputes the groups of the signed-in
 * person and looks the key up among them.
 */
import { createHash } from "node:crypto";

export interface RegistrationFacts {
  clientId: string;
  kind: string;
  name: string;
  redirectUris: readonly string[];
  softwareId?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** A redirect URI as compared for grouping: loopback ports dropped (RFC 8252 §7.3). */
export function comparableRedirectUri(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) url.port = "";
    return url.href;
  } catch {
    return uri;
  }
}

export function clientIdentity(facts: RegistrationFacts): string {
  const parts =
    facts.kind === "dynamic"
      ? ["dynamic", facts.softwareId ? `software:${facts.softwareId}` : `name:${facts.name}`, [...new Set(facts.redirectUris.map(comparableRedirectUri))].sort()]
      : ["client", facts.clientId];
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);
}
