/**
 * Bearer challenges (RFC 6750 §3) for the MCP endpoint, with the protected
 * resource metadata pointer of RFC 9728 §5.1 so that a client that knows
 * nothing about this server can discover its authorization server.
 */

export type BearerError = "invalid_request" | "invalid_token" | "insufficient_scope";

export interface ChallengeInput {
  /** RFC 9728 §5.1 `resource_metadata`. */
  resourceMetadataUrl: string;
  /** RFC 6750 §3: omitted when the request carried no credentials. */
  error?: BearerError;
  description?: string;
  /** The scopes to request (RFC 6750 §3 `scope`); MCP clients use it verbatim. */
  scopes?: readonly string[];
}

// RFC 6750 §3: error_description and scope use %x20-21 / %x23-5B / %x5D-7E only,
// i.e. printable ASCII without `"` and `\`, so no escaping is ever needed.
function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "")}"`;
}

export function bearerChallenge(input: ChallengeInput): string {
  const params: string[] = [];
  if (input.error) params.push(`error=${quoted(input.error)}`);
  if (input.error && input.description) params.push(`error_description=${quoted(input.description)}`);
  if (input.scopes && input.scopes.length > 0) params.push(`scope=${quoted(input.scopes.join(" "))}`);
  params.push(`resource_metadata=${quoted(input.resourceMetadataUrl)}`);
  return `Bearer ${params.join(", ")}`;
}

/** Reads one auth-param of a challenge (tests and the bench use it). */
export function challengeParam(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  const match = new RegExp(`(?:^|[\\s,])${name}="([^"]*)"`).exec(header);
  return match?.[1];
}
