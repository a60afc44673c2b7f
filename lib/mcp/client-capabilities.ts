/**
 * What each client said it can do, remembered across requests. This endpoint
 * is stateless (a new McpServer per HTTP request), so a tools/call does not
 * carry the `initialize` capabilities the SDK would normally keep. The HTTP
 * layer records them here when an `initialize` passes, per user and client;
 * the provisioning guard asks whether URL-mode elicitation is supported
 * (MCP 2025-11-25: `capabilities.elicitation.url`).
 *
 * Memory only, bounded, entries expire after a day: on another instance, or
 * after a restart, the answer is "not supported" — and the guard's fallback
 * (a tool error that holds the link) works for every client.
 */
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { processWide } from "@/lib/process-wide";
import type { CallerIdentity } from "./caller";

const MAX_ENTRIES = 10_000;
const TTL_MS = 24 * 3600_000;

interface Remembered {
  urlElicitation: boolean;
  at: number;
}

const store = () => processWide("client-capabilities", () => new Map<string, Remembered>());

const keyOf = (sub: string, clientId: string) => `${sub}\u0000${clientId}`;

/** Called by the HTTP layer with every authenticated batch of messages. */
export function rememberClientCapabilities(authInfo: AuthInfo, messages: readonly JSONRPCMessage[], now = Date.now()): void {
  const sub = authInfo.extra?.sub;
  if (typeof sub !== "string" || sub.length === 0) return;
  for (const message of messages) {
    if (!("method" in message) || message.method !== "initialize") continue;
    const capabilities = (message.params as { capabilities?: { elicitation?: { url?: unknown } } } | undefined)?.capabilities;
    const elicitation = capabilities?.elicitation;
    const entries = store();
    const key = keyOf(sub, authInfo.clientId);
    entries.delete(key);
    while (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(key, { urlElicitation: typeof elicitation === "object" && elicitation !== null && typeof elicitation.url === "object" && elicitation.url !== null, at: now });
  }
}

export function supportsUrlElicitation(caller: Pick<CallerIdentity, "sub" | "clientId">, now = Date.now()): boolean {
  const entry = store().get(keyOf(caller.sub, caller.clientId));
  return entry !== undefined && now - entry.at < TTL_MS && entry.urlElicitation;
}
