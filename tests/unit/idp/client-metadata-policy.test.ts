import { describe, expect, it } from "vitest";
import type { ClientMetadata } from "oidc-provider";
import { applicationType, classifyRedirectUri, ClientMetadataError, enforceClientMetadata, TOKEN_EXCHANGE_GRANT } from "@/lib/idp/client-metadata-policy";

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

describe("application_type (OIDC Registration §2, MCP 2026-07-28 client registration)", () => {
  const strict = { strict: true, internalClientId: "x" };
  const codeOf = (run: () => void) => {
    try {
      run();
    } catch (error) {
      return (error as ClientMetadataError).code;
    }
    return "accepted";
  };

  it("infers it when a client (MCP 2025-11-25 and older) registers without one", () => {
    expect(applicationType(undefined, ["loopback"])).toBe("native");
    expect(applicationType(undefined, ["private-use"])).toBe("native");
    expect(applicationType(undefined, ["https", "loopback"])).toBe("native");
    expect(applicationType(undefined, ["https"])).toBe("web");
  });

  it("keeps a declared type that fits the redirect URIs", () => {
    expect(applicationType("native", ["loopback"])).toBe("native");
    expect(applicationType("native", ["private-use", "https"])).toBe("native");
    // RFC 8252 §7.2: a native app may claim an https redirect URI.
    expect(applicationType("native", ["https"])).toBe("native");
    expect(applicationType("web", ["https"])).toBe("web");
  });

  it("refuses a web client with loopback or private-use redirect URIs, and unknown types", () => {
    expect(codeOf(() => applicationType("web", ["loopback"]))).toBe("invalid_redirect_uri");
    expect(codeOf(() => applicationType("web", ["https", "private-use"]))).toBe("invalid_redirect_uri");
    expect(codeOf(() => applicationType("desktop", ["loopback"]))).toBe("invalid_client_metadata");
    expect(codeOf(() => applicationType(["native"], ["loopback"]))).toBe("invalid_client_metadata");
  });

  it("reads the declared type from the registration request, not from oidc-provider's default", () => {
    // oidc-provider has already filled in its default "web" when the policy runs.
    const loopback = (): ClientMetadata => ({ ...base, redirect_uris: ["http://127.0.0.1/cb"], application_type: "web" });
    const omitted = loopback();
    enforceClientMetadata(omitted, { ...strict, registrationRequest: { redirect_uris: ["http://127.0.0.1/cb"] } });
    expect(omitted.application_type).toBe("native");
    expect(codeOf(() => enforceClientMetadata(loopback(), { ...strict, registrationRequest: { application_type: "web" } }))).toBe("invalid_redirect_uri");
    const declaredNative = loopback();
    enforceClientMetadata(declaredNative, { ...strict, registrationRequest: { application_type: "native" } });
    expect(declaredNative.application_type).toBe("native");
    // Without a registration request (CIMD, stored clients) a "web" may be the default: native-style URIs make it native.
    const cimd = loopback();
    enforceClientMetadata(cimd, strict);
    expect(cimd.application_type).toBe("native");
    const web: ClientMetadata = { ...base, application_type: "web" };
    enforceClientMetadata(web, { ...strict, registrationRequest: { application_type: "web" } });
    expect(web.application_type).toBe("web");
  });
});
