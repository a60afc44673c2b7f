import { describe, expect, it } from "vitest";
import { extractBearerToken } from "@/lib/auth/bearer-token";
import { bearerChallenge, challengeParam } from "@/lib/auth/www-authenticate";
import { firstContactScopes, stepUpScopes } from "@/lib/auth/scope-policy";
import { protectedResourceMetadata, resourceMetadataUrl } from "@/lib/auth/protected-resource-metadata";

const at = (headers: Record<string, string>, url = "https://mcp.example/api/mcp") => extractBearerToken({ headers: new Headers(headers), url });

describe("bearer token extraction (RFC 6750 §2)", () => {
  it("reads one Bearer token from the Authorization header, scheme case-insensitive", () => {
    expect(at({ authorization: "Bearer abc.def-ghi_~+/=" })).toEqual({ kind: "token", token: "abc.def-ghi_~+/=" });
    expect(at({ authorization: "bearer abc" })).toEqual({ kind: "token", token: "abc" });
  });

  it("treats a missing header or another scheme as no credentials", () => {
    expect(at({}).kind).toBe("none");
    expect(at({ authorization: "Basic YTpi" }).kind).toBe("none");
    expect(at({ authorization: "DPoP abc" }).kind).toBe("none");
  });

  it("refuses tokens in the query, form bodies and folded duplicate headers as invalid_request", () => {
    expect(at({}, "https://mcp.example/api/mcp?access_token=abc").kind).toBe("invalid_request");
    expect(at({ "content-type": "application/x-www-form-urlencoded; charset=utf-8", authorization: "Bearer abc" }).kind).toBe("invalid_request");
    expect(at({ authorization: "Bearer abc, Bearer def" }).kind).toBe("invalid_request");
  });

  it("refuses empty, oversized and syntactically invalid tokens as invalid_token", () => {
    expect(at({ authorization: "Bearer" }).kind).toBe("invalid_token");
    expect(at({ authorization: `Bearer ${"a".repeat(8193)}` }).kind).toBe("invalid_token");
    expect(at({ authorization: "Bearer a b" }).kind).toBe("invalid_token");
    expect(at({ authorization: 'Bearer a"b' }).kind).toBe("invalid_token");
  });
});

describe("challenges and metadata", () => {
  it("builds RFC 6750 §3 challenges with the RFC 9728 metadata pointer", () => {
    const url = "https://mcp.example/.well-known/oauth-protected-resource/api/mcp";
    expect(bearerChallenge({ resourceMetadataUrl: url, scopes: firstContactScopes(["notes.read", "notes.write"]) })).toBe(
      `Bearer scope="openid offline_access notes.read notes.write", resource_metadata="${url}"`,
    );
    const stepUp = bearerChallenge({ resourceMetadataUrl: url, error: "insufficient_scope", description: 'needs "notes.read"\n', scopes: ["openid", "notes.read"] });
    expect(stepUp).toBe(`Bearer error="insufficient_scope", error_description="needs notes.read", scope="openid notes.read", resource_metadata="${url}"`);
    expect(challengeParam(stepUp, "scope")).toBe("openid notes.read");
  });

  it("keeps what the client holds when stepping up, and only catalogued scopes", () => {
    expect(stepUpScopes(["openid", "files.read", "made-up"], ["notes.read"])).toEqual(["openid", "files.read", "notes.read"]);
    expect(stepUpScopes([], ["notes.read", "notes.read"])).toEqual(["openid", "notes.read"]);
  });

  it("describes the resource exactly (RFC 9728 §3): canonical URL, the issuer, the scopes a client should request", () => {
    const config = { APP_URL: "https://mcp.example", MCP_URL: "https://mcp.example/api/mcp", ISSUER: "https://kc.example/realms/r" };
    expect(resourceMetadataUrl(config)).toBe("https://mcp.example/.well-known/oauth-protected-resource/api/mcp");
    const doc = protectedResourceMetadata(config, firstContactScopes(["notes.read"]));
    expect(doc).toMatchObject({ resource: "https://mcp.example/api/mcp", authorization_servers: ["https://kc.example/realms/r"], bearer_methods_supported: ["header"] });
    // A client without a challenge scope requests all of scopes_supported (MCP 2025-11-25): identity, refresh, the tools.
    expect(doc.scopes_supported).toEqual(["openid", "offline_access", "notes.read"]);
  });
});
