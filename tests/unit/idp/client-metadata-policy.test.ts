import { describe, expect, it } from "vitest";
import type { ClientMetadata } from "oidc-provider";
import { classifyRedirectUri, ClientMetadataError, enforceClientMetadata, TOKEN_EXCHANGE_GRANT } from "@/lib/idp/client-metadata-policy";

const base = { client_id: "c1", client_name: "Client", redirect_uris: ["https://a.example/cb"], grant_types: ["authorization_code"] };

describe("redirect URI rules (RFC 8252 §7, RFC 6749 §3.1.2)", () => {
  it.each([
    ["https://a.example/cb", "https"],
    ["http://127.0.0.1:1234/cb", "loopback"],
    ["http://[::1]/cb", "loopback"],
    ["http://localhost/cb", "loopback"],
    ["com.example.app:/oauth", "private-use"],
  ])("accepts %s as %s", (uri, kind) => expect(classifyRedirectUri(uri)).toBe(kind));

  it.each(["http://a.example/cb", "https://a.example/cb#x", "https://*.a.example/cb", "javascript:alert(1)", "file:///etc/passwd", "https://u:p@a.example/", "/relative", "https://a.example/ cb", ""])(
    "refuses %j with invalid_redirect_uri",
    (uri) => {
      expect(() => classifyRedirectUri(uri)).toThrow(ClientMetadataError);
      try {
        classifyRedirectUri(uri);
      } catch (error) {
        expect((error as ClientMetadataError).code).toBe("invalid_redirect_uri");
        expect((error as Error).message.startsWith("redirect_uris")).toBe(true);
      }
    },
  );
});

describe("enforceClientMetadata", () => {
  it("makes loopback and private-use clients native (port variance) and drops the validated scope", () => {
    const m: ClientMetadata = { ...base, redirect_uris: ["http://127.0.0.1/cb"], scope: "openid notes.read" };
    enforceClientMetadata(m, { strict: true, internalClientId: "mcp-server" });
    expect(m.application_type).toBe("native");
    expect(m.scope).toBeUndefined();
  });

  it("gives the token-exchange grant to the internal static client only", () => {
    const grants = ["authorization_code", TOKEN_EXCHANGE_GRANT];
    expect(() => enforceClientMetadata({ ...base, client_id: "mcp-server", grant_types: grants }, { strict: false, internalClientId: "mcp-server" })).not.toThrow();
    expect(() => enforceClientMetadata({ ...base, client_id: "mcp-server", grant_types: grants }, { strict: true, internalClientId: "mcp-server" })).toThrow(/grant_types/);
    expect(() => enforceClientMetadata({ ...base, grant_types: grants }, { strict: false, internalClientId: "mcp-server" })).toThrow(/grant_types/);
  });

  it("requires a sane client_name and known scopes from outside clients", () => {
    expect(() => enforceClientMetadata({ ...base, client_name: undefined }, { strict: true, internalClientId: "x" })).toThrow(/client_name is required/);
    expect(() => enforceClientMetadata({ ...base, client_name: "x".repeat(101) }, { strict: true, internalClientId: "x" })).toThrow(/at most 100/);
    expect(() => enforceClientMetadata({ ...base, scope: "notes.read root" }, { strict: true, internalClientId: "x" })).toThrow(/unknown values: root/);
    expect(() => enforceClientMetadata({ ...base, client_name: undefined }, { strict: false, internalClientId: "x" })).not.toThrow();
  });

  it("lets outside clients (DCR, CIMD) authenticate with none only; static clients may hold a secret", () => {
    for (const method of ["client_secret_basic", "client_secret_post"] as const) {
      expect(() => enforceClientMetadata({ ...base, token_endpoint_auth_method: method }, { strict: true, internalClientId: "x" })).toThrow(
        expect.objectContaining({ code: "invalid_client_metadata" }),
      );
      expect(() => enforceClientMetadata({ ...base, token_endpoint_auth_method: method }, { strict: false, internalClientId: "x" })).not.toThrow();
    }
    expect(() => enforceClientMetadata({ ...base, token_endpoint_auth_method: "none" }, { strict: true, internalClientId: "x" })).not.toThrow();
    expect(() => enforceClientMetadata({ ...base }, { strict: true, internalClientId: "x" })).not.toThrow();
  });
});
