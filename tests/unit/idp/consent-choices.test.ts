import { describe, expect, it } from "vitest";
import { consentOptions, decideConsent, parseConsentSelection, type ConsentRequest } from "@/lib/idp/consent-choices";

const MCP = "https://mcp.example/api/mcp";
const NC = "urn:nextcloud-mcp:resource:nextcloud";
const OFFERED = ["account.read", "notes.read", "notes.write", "files.read", "files.write"];
const firstContact: ConsentRequest = {
  missingOIDCScope: ["openid", "offline_access"],
  missingResourceScopes: { [MCP]: ["account.read", "notes.read", "notes.write", "files.read", "files.write", "calendar.read"] },
  hybridScopes: [],
};
const ticked = (request: ConsentRequest) => consentOptions(request, OFFERED).groups.flatMap((g) => g.choices.filter((c) => c.ticked).map((c) => c.scope.name));

describe("the consent page's choices", () => {
  it("groups offered scopes by Nextcloud app, read and write apart, openid required, offline_access a ticked choice", () => {
    const options = consentOptions(firstContact, OFFERED);
    expect(options.groups.map((g) => [g.key, g.choices.map((c) => c.scope.name)])).toEqual([
      ["account", ["account.read"]],
      ["notes", ["notes.read", "notes.write"]],
      ["files", ["files.read", "files.write"]],
      ["session", ["offline_access"]],
    ]);
    expect(options.required.map((s) => s.name)).toEqual(["openid"]);
    expect(options.choosable).not.toContain("openid");
    expect(options.groups.find((g) => g.key === "session")!.choices[0]!.scope.title).toBe("Stay connected");
    // Everything requested and offered starts ticked; a scope no tool uses is not shown at all.
    expect(ticked(firstContact)).toEqual(["account.read", "notes.read", "notes.write", "files.read", "files.write", "offline_access"]);
    expect(options.choosable).not.toContain("calendar.read");
  });

  it("shows a write only when it was requested", () => {
    const readsOnly: ConsentRequest = { ...firstContact, missingResourceScopes: { [MCP]: ["notes.read", "files.read"] } };
    expect(consentOptions(readsOnly, OFFERED).choosable).toEqual(["notes.read", "files.read", "offline_access"]);
  });

  it("grants exactly what was ticked, rejects the rest (unoffered scopes included), keeps openid", () => {
    const options = consentOptions(firstContact, OFFERED);
    const selection = parseConsentSelection(["account.read", "notes.read", "notes.write", "files.read", "offline_access"], options);
    expect(selection.ok).toBe(true);
    const decision = decideConsent(firstContact, options, selection.ok ? selection.ticked : []);
    expect(decision.oidc).toEqual({ grant: ["openid", "offline_access"], reject: [] });
    expect(decision.resources[MCP]).toEqual({ grant: ["account.read", "notes.read", "notes.write", "files.read"], reject: ["files.write", "calendar.read"] });
  });

  it("unticking offline_access rejects it (no refresh token); nothing ticked still signs in", () => {
    const options = consentOptions(firstContact, OFFERED);
    const none = parseConsentSelection(undefined, options);
    expect(none).toEqual({ ok: true, ticked: [] });
    const decision = decideConsent(firstContact, options, []);
    expect(decision.oidc).toEqual({ grant: ["openid"], reject: ["offline_access"] });
    expect(decision.resources[MCP]!.grant).toEqual([]);
    expect(parseConsentSelection("notes.read", options)).toEqual({ ok: true, ticked: ["notes.read"] });
  });

  it.each([
    ["a scope no tool uses", ["notes.read", "calendar.read"]],
    ["a scope not requested", ["deck.write"]],
    ["openid posted as a choice", ["openid"]],
    ["an unknown scope", ["admin"]],
    ["a non-string", [{ name: "notes.read" }]],
    ["too many values", Array.from({ length: 50 }, () => "notes.read")],
  ])("refuses a forged form with %s", (_name, field) => {
    expect(parseConsentSelection(field, consentOptions(firstContact, OFFERED)).ok).toBe(false);
  });

  it("applies the same ticks to this server's Nextcloud grant in hybrid mode", () => {
    const hybrid: ConsentRequest = { ...firstContact, hybridScopes: ["notes.read", "notes.write", "files.write", "deck.read"] };
    const options = consentOptions(hybrid, OFFERED);
    expect(options.choosable).not.toContain("deck.read");
    const decision = decideConsent(hybrid, options, ["notes.read", "files.write"]);
    expect(decision.hybrid).toEqual(["notes.read", "files.write"]);
    expect(decision.resources[MCP]!.grant).toEqual(["notes.read", "files.write"]);
  });

  it("handles a Nextcloud resource prompt (this server's own client) with the same names", () => {
    const flow2: ConsentRequest = { missingOIDCScope: ["openid"], missingResourceScopes: { [NC]: ["notes.read", "notes.write"] }, hybridScopes: [] };
    const options = consentOptions(flow2, OFFERED);
    expect(decideConsent(flow2, options, ["notes.read"]).resources[NC]).toEqual({ grant: ["notes.read"], reject: ["notes.write"] });
  });
});
