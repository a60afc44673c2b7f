import Provider from "oidc-provider";
import { describe, expect, it } from "vitest";
import { consentOptions } from "@/lib/idp/consent-choices";
import { declinedScopes, forgetDeclined, reopenDeclined, type GrantWithRejections } from "@/lib/idp/declined-scopes";

const MCP = "https://mcp.example/api/mcp";
// A real oidc-provider Grant: the rejected-scope bookkeeping is its own.
const provider = new Provider("http://127.0.0.1:9", {});
function grantWithDecline() {
  const grant = new provider.Grant({ accountId: "alice", clientId: "client" });
  grant.addOIDCScope("openid");
  grant.rejectOIDCScope("offline_access");
  grant.addResourceScope(MCP, "notes.read notes.write files.read");
  grant.rejectResourceScope(MCP, "files.write");
  return grant;
}
const asRejections = (grant: unknown) => grant as GrantWithRejections;

describe("declined scopes", () => {
  it("reads what the person declined before", () => {
    expect(declinedScopes(asRejections(grantWithDecline()))).toEqual(new Set(["offline_access", "files.write"]));
    expect(declinedScopes(undefined)).toEqual(new Set());
  });

  it("a new request asking again reopens exactly those scopes for consent; the rest stays decided", () => {
    const grant = grantWithDecline();
    reopenDeclined(asRejections(grant), new Set(["openid", "notes.read", "files.write"]));
    // Not encountered any more → oidc-provider's consent prompt asks for it again.
    expect(grant.getResourceScopeEncountered(MCP).split(" ")).not.toContain("files.write");
    expect(grant.getResourceScope(MCP).split(" ")).not.toContain("files.write");
    expect(grant.getRejectedOIDCScope()).toBe("offline_access"); // not asked for again: stays declined
  });

  it("granting a scope declined before makes it visible in the grant (oidc-provider hides rejected scopes)", () => {
    const grant = grantWithDecline();
    grant.addResourceScope(MCP, "files.write");
    expect(grant.getResourceScope(MCP).split(" ")).not.toContain("files.write");
    forgetDeclined(asRejections(grant), ["files.write", "offline_access"]);
    grant.addOIDCScope("offline_access");
    expect(grant.getResourceScope(MCP).split(" ")).toContain("files.write");
    expect(grant.getOIDCScope().split(" ")).toContain("offline_access");
    expect(declinedScopes(asRejections(grant))).toEqual(new Set());
  });

  it("shows a scope declined before unticked, the others ticked", () => {
    const options = consentOptions(
      { missingOIDCScope: ["offline_access"], missingResourceScopes: { [MCP]: ["files.write", "notes.read"] }, hybridScopes: [] },
      ["notes.read", "files.write"],
      new Set(["files.write", "offline_access"]),
    );
    const ticked = Object.fromEntries(options.groups.flatMap((g) => g.choices.map((c) => [c.scope.name, c.ticked])));
    expect(ticked).toEqual({ "notes.read": true, "files.write": false, offline_access: false });
  });
});
