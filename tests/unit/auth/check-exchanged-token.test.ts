import { UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { checkExchangedToken } from "@/lib/auth/check-exchanged-token";

const NOW = 1_900_000_000_000;
const expected = { audience: "nextcloud", scopes: ["notes.read"], actor: "mcp-server", now: NOW };
const token = (claims: Record<string, unknown>) =>
  new UnsecuredJWT({ sub: "u1", aud: "nextcloud", scope: "notes.read", act: { sub: "mcp-server" }, exp: NOW / 1000 + 60, ...claims }).encode();

describe("checkExchangedToken (app-password mode)", () => {
  it("accepts a token for Nextcloud with the tool's scopes, not expired, acting as this server", () => {
    expect(checkExchangedToken(token({}), expected)).toEqual({ ok: true, sub: "u1" });
    expect(checkExchangedToken(token({ aud: ["x", "nextcloud"], scope: "notes.read notes.write" }), expected).ok).toBe(true);
  });

  it.each([
    ["another audience", { aud: "mcp" }],
    ["a missing scope", { scope: "files.read" }],
    ["expired", { exp: NOW / 1000 }],
    ["no exp", { exp: undefined }],
    ["another actor", { act: { sub: "someone-else" } }],
    ["no actor at all", { act: undefined }],
    ["no subject", { sub: undefined }],
  ])("refuses %s", (_label, claims) => {
    expect(checkExchangedToken(token(claims), expected).ok).toBe(false);
  });

  it("accepts client_id as the actor where an IdP sets no act, and refuses an opaque token", () => {
    expect(checkExchangedToken(token({ act: undefined, client_id: "mcp-server" }), expected).ok).toBe(true);
    expect(checkExchangedToken("opaque-token-value", expected).ok).toBe(false);
  });
});
