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
 *
 * MCP 2026-07-28 has no `initialize`: every request carries the client's
 * capabilities in its `_meta` envelope (`io.modelcontextprotocol/clientCapabilities`).
 * Those are recorded the same way from the request itself just before it is
 * served, so the guard's answer for a 2026-07-28 call is that call's own
 * declaration (lib/mcp/create-mcp-server.ts reads the envelope again before it
 * embeds a URL request, so a concurrent request cannot make it wrong).
 */
import type { AuthInfo } from "@modelcontextprotocol/server";
import { CLIENT_CAPABILITIES_META_KEY, type JSONRPCMessage } from "@modelcontextprotocol/server";
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

/** Whether a capabilities object declares URL-mode elicitation (`elicitation.url`, an object). */
export function declaresUrlElicitation(capabilities: unknown): boolean {
  if (typeof capabilities !== "object" || capabilities === null) return false;
  const elicitation = (capabilities as { elicitation?: unknown }).elicitation;
  if (typeof elicitation !== "object" || elicitation === null) return false;
  const url = (elicitation as { url?: unknown }).url;
  return typeof url === "object" && url !== null;
}

/** The capabilities a message declares: `initialize` params (2025-11-25) or the request's `_meta` envelope (2026-07-28). */
function declaredCapabilities(message: JSONRPCMessage): unknown {
  if (!("method" in message)) return undefined;
  const params = message.params as { capabilities?: unknown; _meta?: Record<string, unknown> } | undefined;
  if (message.method === "initialize") return params?.capabilities ?? {};
  return params?._meta?.[CLIENT_CAPABILITIES_META_KEY];
}

/** Called by the HTTP layer with every authenticated batch of messages. */
export function rememberClientCapabilities(authInfo: AuthInfo, messages: readonly JSONRPCMessage[], now = Date.now()): void {
  const sub = authInfo.extra?.sub;
  if (typeof sub !== "string" || sub.length === 0) return;
  for (const message of messages) {
    const capabilities = declaredCapabilities(message);
    if (capabilities === undefined) continue;
    const entries = store();
    const key = keyOf(sub, authInfo.clientId);
    entries.delete(key);
    while (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(key, { urlElicitation: declaresUrlElicitation(capabilities), at: now });
  }
}

export function supportsUrlElicitation(caller: Pick<CallerIdentity, "sub" | "clientId">, now = Date.now()): boolean {
  const entry = store().get(keyOf(caller.sub, caller.clientId));
  return entry !== undefined && now - entry.at < TTL_MS && entry.urlElicitation;
}
