import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { csrfRefusal, unauthenticatedHeaders } from "@/lib/sandbox/nextcloud-request-rules";
import { claimValue, SandboxUsers, UnmappableTokenError, userIdFor } from "@/lib/sandbox/sandbox-users";

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe("Nextcloud's CSRF and CORS rules (measured on Nextcloud 32)", () => {
  it("OCS: OCS-APIRequest or a correctly spelled Bearer passes; a lowercase bearer alone is 412", () => {
    expect(csrfRefusal({ api: "ocs" }, req({ authorization: "Bearer x" }))).toBeUndefined();
    expect(csrfRefusal({ api: "ocs" }, req({ authorization: "bearer x", "ocs-apirequest": "true" }))).toBeUndefined();
    expect(csrfRefusal({ api: "ocs" }, req({ authorization: "bearer x" }))).toMatchObject({ status: 412, message: "CSRF check failed" });
    expect(csrfRefusal({ api: "ocs" }, req({ authorization: "BEARER x" }))).toMatchObject({ status: 412 });
  });

  it("#[CORS] app APIs: without OCS-APIRequest: true, 401 CORS requires basic auth, whatever the scheme's spelling", () => {
    expect(csrfRefusal({ api: "app" }, req({ authorization: "Bearer x" }))).toMatchObject({ status: 401, message: "CORS requires basic auth" });
    expect(csrfRefusal({ api: "app" }, req({ authorization: "Bearer x", "ocs-apirequest": "false" }))).toMatchObject({ status: 401 });
    expect(csrfRefusal({ api: "app" }, req({ authorization: "Bearer x", "ocs-apirequest": "true" }))).toBeUndefined();
  });

  it("WebDAV needs no header, and challenges with Basic realm=\"Nextcloud\"", () => {
    expect(csrfRefusal({ api: "webdav" }, req({ authorization: "bearer x" }))).toBeUndefined();
    expect(unauthenticatedHeaders({ api: "webdav" }, req({}), "no token")["www-authenticate"]).toMatch(/^Basic realm="Nextcloud"/);
  });
});

describe("user_oidc's uid mapping", () => {
  const token = (claims: Record<string, unknown>) => ({ sub: String(claims.sub ?? "s"), scopes: [], claims: { sub: "s", ...claims } });

  it("reads nested claims and fallbacks, first present wins", () => {
    expect(claimValue({ a: { b: "x" }, c: "y" }, "a.b | c")).toBe("x");
    expect(claimValue({ c: "y" }, "a.b | c")).toBe("y");
    expect(claimValue({ c: "  " }, "c")).toBeUndefined();
    expect(claimValue({ n: 42 }, "n")).toBe("42");
  });

  it("hashes as --unique-uid does, and refuses a token without the mapped claim", () => {
    const unique = new SandboxUsers({ uidMapping: "sub", uniqueUid: true, providerId: 3 });
    expect(unique.userIdOf(token({ sub: "alice" }))).toBe(userIdFor("alice", { uniqueUid: true, providerId: 3 }));
    expect(unique.userIdOf(token({ sub: "alice" }))).toMatch(/^[0-9a-f]{64}$/);
    expect(userIdFor("alice", { uniqueUid: true, providerId: 3 })).not.toBe(userIdFor("alice", { uniqueUid: true, providerId: 4 }));
    const strict = new SandboxUsers({ uidMapping: "preferred_username" });
    expect(() => strict.userIdOf(token({}))).toThrow(UnmappableTokenError);
  });

  it("the sandbox default maps preferred_username, else sub, unhashed; display name and email from name and email", () => {
    const users = new SandboxUsers();
    expect(users.userIdOf(token({ sub: "uuid-1", preferred_username: "alice" }))).toBe("alice");
    expect(users.userIdOf(token({ sub: "carol" }))).toBe("carol");
    const alice = users.fromToken(token({ sub: "uuid-1", preferred_username: "alice", name: "Alice Example", email: "alice@example.test" }));
    expect(alice).toMatchObject({ id: "alice", displayName: "Alice Example", email: "alice@example.test" });
  });
});
