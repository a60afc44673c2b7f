import { describe, expect, it } from "vitest";
import { formatScope, isKnownScope, missingScopes, OIDC_SCOPES, parseScope, resourceScopes, SCOPES } from "@/lib/auth/scopes";

describe("scope catalogue", () => {
  it("explains every scope in plain language and names each once", () => {
    expect(new Set(SCOPES.map((s) => s.name)).size).toBe(SCOPES.length);
    for (const s of SCOPES) {
      expect(s.title.length, s.name).toBeGreaterThan(3);
      expect(s.explanation.length, s.name).toBeGreaterThan(10);
    }
  });

  it("keeps OIDC scopes off the resources and gives both resources the same tool scopes", () => {
    expect(OIDC_SCOPES).toEqual(["openid", "profile", "email", "offline_access"]);
    expect(resourceScopes("mcp")).toEqual(resourceScopes("nextcloud"));
    expect(resourceScopes("mcp")).not.toContain("offline_access");
    expect(resourceScopes("nextcloud")).toEqual(expect.arrayContaining(["account.read", "notes.read", "notes.write", "files.read", "files.write"]));
  });

  it("parses RFC 6749 scope strings and computes what is missing", () => {
    expect(parseScope("  notes.read  notes.read files.read ")).toEqual(["notes.read", "files.read"]);
    expect(parseScope(undefined)).toEqual([]);
    expect(formatScope(["a", "b", "a"])).toBe("a b");
    expect(missingScopes(["notes.read", "notes.write"], ["notes.read"])).toEqual(["notes.write"]);
    expect(isKnownScope("notes.read")).toBe(true);
    expect(isKnownScope("admin")).toBe(false);
  });
});
