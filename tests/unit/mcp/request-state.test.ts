import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyRingFrom } from "@/lib/crypto/key-ring";
import { mintRequestState, REQUEST_STATE_TTL_SECONDS, RequestStateError, verifyRequestState } from "@/lib/mcp/request-state";

const ring = keyRingFrom([{ id: "k1", key: randomBytes(32) }]);
const alice = { sub: "alice", clientId: "client-a" };

describe("MCP 2026-07-28 requestState", () => {
  it("round-trips for the same user, client and tool, and reveals none of them", async () => {
    const now = Date.now();
    const state = await mintRequestState(alice, "nc_get_user_info", now, ring);
    expect(state).not.toMatch(/alice|client-a|nc_get_user_info/);
    expect(Buffer.from(state.split(".")[0]!, "base64url").toString()).not.toMatch(/alice|client-a/);
    expect(await verifyRequestState(state, alice, "nc_get_user_info", now, ring)).toMatchObject({ tool: "nc_get_user_info", phase: "provisioning" });
  });

  it("refuses another user, another client, another tool, expiry, another key and garbage", async () => {
    const now = Date.now();
    const state = await mintRequestState(alice, "nc_get_user_info", now, ring);
    await expect(verifyRequestState(state, { sub: "bob", clientId: "client-a" }, undefined, now, ring)).rejects.toThrow(RequestStateError);
    await expect(verifyRequestState(state, { sub: "alice", clientId: "client-b" }, undefined, now, ring)).rejects.toThrow(RequestStateError);
    await expect(verifyRequestState(state, alice, "nc_notes_search", now, ring)).rejects.toThrow(/minted for nc_get_user_info/);
    await expect(verifyRequestState(state, alice, undefined, now + REQUEST_STATE_TTL_SECONDS * 1000, ring)).rejects.toThrow(/expired/);
    expect(await verifyRequestState(state, alice, undefined, now + REQUEST_STATE_TTL_SECONDS * 1000 - 1000, ring)).toBeDefined();
    await expect(verifyRequestState(state, alice, undefined, now, keyRingFrom([{ id: "k1", key: randomBytes(32) }]))).rejects.toThrow(RequestStateError);
    await expect(verifyRequestState("not-a-state", alice, undefined, now, ring)).rejects.toThrow(RequestStateError);
    await expect(verifyRequestState("x".repeat(5000), alice, undefined, now, ring)).rejects.toThrow(/too long/);
  });

  it("refuses a sealed payload of another shape (sealed under the same context by anything else)", async () => {
    const { seal } = await import("@/lib/crypto/envelope");
    const { createHash } = await import("node:crypto");
    const context = `mcp-request-state:${createHash("sha256").update("alice\u0000client-a").digest("base64url")}`;
    const other = (await seal(JSON.stringify({ v: 1, tool: "nc_get_user_info", phase: "admin", exp: 9e9 }), context, ring)).ciphertext;
    await expect(verifyRequestState(other, alice, undefined, Date.now(), ring)).rejects.toThrow(/unknown shape/);
  });
});
