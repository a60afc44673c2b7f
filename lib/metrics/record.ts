/** The metrics this server records, by name, so every caller uses the same names and help texts. */
import { incrementCounter, observeHistogram } from "./registry";

export type ToolOutcome = "ok" | "tool_error" | "failed" | "elicitation";

export const recordToolCall = (tool: string, outcome: ToolOutcome) =>
  incrementCounter("nextcloud_mcp_tool_calls_total", "MCP tool calls by tool and outcome.", { tool, outcome });

export const recordExchange = (seconds: number, outcome: "issued" | "denied" | "error") =>
  observeHistogram("nextcloud_mcp_token_exchange_seconds", "RFC 8693 token exchanges at the IdP: latency by outcome.", seconds, { outcome });

export const recordAuditMetric = (event: string, outcome: string) =>
  incrementCounter("nextcloud_mcp_events_total", "Audited events (provisioning, scope changes, exchanges, revocations, guard refusals) by outcome.", { event, outcome });
