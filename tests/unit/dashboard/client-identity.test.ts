import { describe, expect, it } from "vitest";
import { clientIdentity, comparableRedirectUri } from "@/lib/dashboard/client-identity";

const dynamic = (clientId: string, overrides: Partial<Parameters<typeof clientIdentity>[0]> = {}) =>
  clientIdentity({ clientId, kind: "dynamic", name: "Claude Code", redirectUris: ["http://localhost:53211/callback"], ...overrides });

describe("client identity (one card per application)", () => {
  it("groups re-registrations of one dynamic client: same name, loopback redirect on another port", () => {
    expect(dynamic("a")).toBe(dynamic("b", { redirectUris: ["http://localhost:61002/callback"] }));
    expect(dynamic("a")).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("keeps apart what a person would see as different clients", () => {
    expect(dynamic("a")).not.toBe(dynamic("b", { name: "Cursor" }));
    expect(dynamic("a")).not.toBe(dynamic("b", { redirectUris: ["http://localhost:53211/other"] }));
    // A non-loopback redirect's port matters: another port is another site.
    expect(dynamic("a", { redirectUris: ["https://app.example:8443/cb"] })).not.toBe(dynamic("b", { redirectUris: ["https://app.example/cb"] }));
    expect(dynamic("a", { softwareId: "s-1" })).not.toBe(dynamic("b", { softwareId: "s-2" }));
    // Pre-registered and metadata-document clients are their own id.
    const cimd = (id: string) => clientIdentity({ clientId: id, kind: "cimd", name: "Same name", redirectUris: ["http://127.0.0.1/cb"] });
    expect(cimd("https://a.example/client.json")).not.toBe(cimd("https://b.example/client.json"));
    expect(clientIdentity({ clientId: "x", kind: "preregistered", name: "Claude Code", redirectUris: ["http://localhost:53211/callback"] })).not.toBe(dynamic("x"));
  });

  it("the software id groups across names", () => {
    expect(dynamic("a", { softwareId: "s-1", name: "Claude Code 1.0" })).toBe(dynamic("b", { softwareId: "s-1", name: "Claude Code 1.1" }));
  });

  it("drops only loopback ports", () => {
    expect(comparableRedirectUri("http://127.0.0.1:4000/cb")).toBe("http://127.0.0.1/cb");
    expect(comparableRedirectUri("http://[::1]:4000/cb")).toBe("http://[::1]/cb");
    expect(comparableRedirectUri("https://example.com:4000/cb")).toBe("https://example.com:4000/cb");
    expect(comparableRedirectUri("not a url")).toBe("not a url");
  });
});
