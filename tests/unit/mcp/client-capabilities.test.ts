import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { rememberClientCapabilities, supportsUrlElicitation } from "@/lib/mcp/client-capabilities";

const auth = (sub: string, clientId: string): AuthInfo => ({ token: "t", clientId, scopes: [], extra: { sub } });
const init = (capabilities: object): JSONRPCMessage =>
  ({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities, clientInfo: { name: "c", version: "1" } } }) as JSONRPCMessage;

describe("remembered client capabilities", () => {
  it("URL elicitation only when the client declared elicitation.url, per user and client", () => {
    rememberClientCapabilities(auth("alice", "c1"), [init({ elicitation: { url: {} } })]);
    rememberClientCapabilities(auth("alice", "c2"), [init({ elicitation: {} })]); // form mode only
    rememberClientCapabilities(auth("bob", "c3"), [init({})]);
    expect(supportsUrlElicitation({ sub: "alice", clientId: "c1" })).toBe(true);
    expect(supportsUrlElicitation({ sub: "alice", clientId: "c2" })).toBe(false);
    expect(supportsUrlElicitation({ sub: "bob", clientId: "c3" })).toBe(false);
    expect(supportsUrlElicitation({ sub: "bob", clientId: "c1" })).toBe(false); // another user of the same client
    expect(supportsUrlElicitation({ sub: "nobody", clientId: "c9" })).toBe(false);
  });

  it("a later initialize replaces the earlier answer; entries expire", () => {
    const now = Date.now();
    rememberClientCapabilities(auth("carol", "c"), [init({ elicitation: { url: {} } })], now);
    expect(supportsUrlElicitation({ sub: "carol", clientId: "c" }, now)).toBe(true);
    expect(supportsUrlElicitation({ sub: "carol", clientId: "c" }, now + 25 * 3600_000)).toBe(false);
    rememberClientCapabilities(auth("carol", "c"), [init({})], now);
    expect(supportsUrlElicitation({ sub: "carol", clientId: "c" }, now)).toBe(false);
  });

  it("ignores other messages and unauthenticated callers", () => {
    rememberClientCapabilities({ token: "", clientId: "x", scopes: [] }, [init({ elicitation: { url: {} } })]);
    rememberClientCapabilities(auth("dave", "x"), [{ jsonrpc: "2.0", id: 2, method: "tools/list" } as JSONRPCMessage]);
    expect(supportsUrlElicitation({ sub: "dave", clientId: "x" })).toBe(false);
  });

  it("records a 2026-07-28 request's own envelope (no initialize on that era)", () => {
    const call = (capabilities: object): JSONRPCMessage =>
      ({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "t", arguments: {}, _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": capabilities } } }) as JSONRPCMessage;
    rememberClientCapabilities(auth("dave", "c"), [call({ elicitation: { url: {} } })]);
    expect(supportsUrlElicitation({ sub: "dave", clientId: "c" })).toBe(true);
    rememberClientCapabilities(auth("dave", "c"), [call({})]);
    expect(supportsUrlElicitation({ sub: "dave", clientId: "c" })).toBe(false);
    // A 2025-era call without an envelope leaves what initialize said.
    rememberClientCapabilities(auth("dave", "c"), [call({ elicitation: { url: {} } })]);
    rememberClientCapabilities(auth("dave", "c"), [{ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "t" } } as JSONRPCMessage]);
    expect(supportsUrlElicitation({ sub: "dave", clientId: "c" })).toBe(true);
  });
});
