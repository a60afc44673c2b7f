/**
 * The era dispatch asks the SDK's `isLegacyRequest` only when the body does
 * not certainly claim MCP 2026-07-28 (`claimsModernEnvelope`,
 * lib/mcp/handle-mcp-request.ts): the modern entry classifies the request
 * itself, so asking first classified every 2026-07-28 request twice. The
 * shortcut may only ever answer "modern" where the SDK's predicate answers
 * "not legacy", for every body and header combination, or a 2025 client would
 * reach the strict 2026 entry. Checked here against the SDK itself over the
 * shapes the classifier distinguishes (batches, posted responses,
 * `initialize`, claims valid, malformed and naming other versions,
 * notifications, `_meta` that is not an object, header/body mismatches).
 */
import { isLegacyRequest, PROTOCOL_VERSION_META_KEY } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { claimsModernEnvelope } from "@/lib/mcp/handle-mcp-request";

const CLAIM = PROTOCOL_VERSION_META_KEY;
const envelope = {
  [CLAIM]: "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "test", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};
const call = (params: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params, ...extra });

/** Body, and whether the shortcut must take it (true) or leave it to the SDK's predicate (false). */
const bodies: [string, unknown, boolean][] = [
  ["2026-07-28 tools/call with its envelope", call({ name: "whoami", arguments: {}, _meta: envelope }), true],
  ["tools/list with the claim only (envelope incomplete)", { jsonrpc: "2.0", id: 2, method: "tools/list", params: { _meta: { [CLAIM]: "2026-07-28" } } }, true],
  ["a claim naming a revision not served", call({ name: "whoami", _meta: { ...envelope, [CLAIM]: "2099-01-01" } }), true],
  ["a claim naming a 2025 revision", call({ name: "whoami", _meta: { ...envelope, [CLAIM]: "2025-11-25" } }), true],
  ["a claim that is not a string", call({ name: "whoami", _meta: { ...envelope, [CLAIM]: 42 } }), true],
  ["a claim that is null", call({ name: "whoami", _meta: { ...envelope, [CLAIM]: null } }), true],
  ["a notification with the claim", { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, _meta: { [CLAIM]: "2026-07-28" } } }, true],
  ["a notification with a non-string claim", { jsonrpc: "2.0", method: "notifications/cancelled", params: { _meta: { [CLAIM]: 1 } } }, true],
  ["initialize with a valid modern envelope", { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" }, _meta: envelope } }, false],
  ["initialize with a malformed claim", { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" }, _meta: { [CLAIM]: 7 } } }, false],
  ["initialize without a claim", { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } }, false],
  ["2025-11-25 tools/call", call({ name: "whoami", arguments: {} }), false],
  ["_meta with other reserved keys but no claim", call({ name: "whoami", _meta: { "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" }, progressToken: 1 } }), false],
  ["_meta null", call({ name: "whoami", _meta: null }), false],
  ["_meta an array", call({ name: "whoami", _meta: [CLAIM] }), false],
  ["_meta a string", call({ name: "whoami", _meta: CLAIM }), false],
  ["params an array", { jsonrpc: "2.0", id: 1, method: "tools/call", params: [{ _meta: envelope }] }, false],
  ["no params", { jsonrpc: "2.0", id: 1, method: "ping" }, false],
  ["a batch holding a claim", [call({ name: "whoami", _meta: envelope })], false],
  ["a batch of 2025 requests", [call({ name: "whoami" }), { jsonrpc: "2.0", method: "notifications/initialized" }], false],
  ["a claim next to a result", call({ name: "whoami", _meta: envelope }, { result: {} }), false],
  ["a claim next to an error", call({ name: "whoami", _meta: envelope }, { error: { code: 1, message: "x" } }), false],
  ["a posted result response", { jsonrpc: "2.0", id: 1, result: { _meta: envelope } }, false],
  ["a posted error response", { jsonrpc: "2.0", id: 1, error: { code: -32603, message: "x" } }, false],
  ["a method that is not a string, with a claim", { jsonrpc: "2.0", id: 1, method: 5, params: { _meta: envelope } }, false],
  ["not an object", "tools/call", false],
  ["null", null, false],
];

/** The headers a client may send with each body: none, matching, mismatching, a 2025 version. */
const headerSets: [string, Record<string, string>][] = [
  ["no MCP headers", {}],
  ["2026-07-28 headers", { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "whoami" }],
  ["2025-11-25 version header", { "mcp-protocol-version": "2025-11-25" }],
  ["an Mcp-Method that differs from the body", { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" }],
  ["an unknown version header", { "mcp-protocol-version": "2099-01-01" }],
];

function post(body: unknown, headers: Record<string, string>): Request {
  return new Request("http://127.0.0.1:3999/api/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify(body),
  });
}

describe("era dispatch shortcut (claimsModernEnvelope)", () => {
  it.each(bodies)("%s: taken only where intended", (_name, body, expected) => {
    expect(claimsModernEnvelope(body)).toBe(expected);
  });

  // Every body the shortcut takes (as it is, not as the table expects), against the SDK.
  it.each(bodies.filter(([, body]) => claimsModernEnvelope(body)))("%s: the SDK's predicate also routes it to the 2026-07-28 entry, whatever the headers", async (_name, body) => {
    for (const [headersName, headers] of headerSets) {
      const legacy = await isLegacyRequest(post(body, headers), body, { maxRequestBodySize: 1024 * 1024 });
      expect(legacy, headersName).toBe(false);
    }
  });

  it("leaves to the predicate bodies it routes either way (the shortcut is not the whole dispatch)", async () => {
    const routes = await Promise.all(bodies.filter(([, , taken]) => !taken).map(([, body]) => isLegacyRequest(post(body, {}), body, { maxRequestBodySize: 1024 * 1024 })));
    expect(routes).toContain(true);
    expect(routes).toContain(false);
  });
});
