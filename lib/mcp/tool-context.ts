/**
 * The context every catalogue tool is invoked with, built from the verified
 * AuthInfo the HTTP layer attached to the request (never from headers). The
 * raw MCP access token stays in this module: tools get the caller's identity,
 * the cancellation signal and, for the Nextcloud tool wrapper, an `exchange`
 * capability — a closure that trades the token for a Nextcloud session token
 * of the given scopes (RFC 8693, lib/broker/exchange-session-token.ts) and
 * cannot be made to return or reveal the token itself.
 */
import type { AuthInfo } from "@modelcontextprotocol/server";
import { exchangeSessionToken } from "@/lib/broker/exchange-session-token";
import { callerFromAuthInfo, subjectTokenOf } from "./caller";
import type { InvocationContext } from "./tool-definition";

export function buildToolContext(authInfo: AuthInfo | undefined, signal: AbortSignal): InvocationContext {
  const caller = callerFromAuthInfo(authInfo);
  const verified = authInfo!;
  return Object.freeze({
    caller,
    signal,
    // The token is read when a tool asks for an exchange (an auth-disabled caller has none: MissingCallerError).
    exchange: (scopes: readonly string[], options: { tool: string; grantLastUsedAt?: Date | null }) =>
      exchangeSessionToken({ token: subjectTokenOf(verified), sub: caller.sub, clientId: caller.clientId }, scopes, options),
  });
}
