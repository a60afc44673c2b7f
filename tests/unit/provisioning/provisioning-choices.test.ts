import { describe, expect, it } from "vitest";
import { chosenScopes, scopeChoices } from "@/lib/provisioning/provisioning-choices";

const pick = (choices: ReturnType<typeof scopeChoices>) => choices.map((c) => ({ name: c.name, needed: c.needed, ticked: c.ticked }));

describe("provisioning page defaults", () => {
  it("offers every Nextcloud scope the token holds: the tool's needed ones first, all ticked", () => {
    const choices = scopeChoices({ needed: ["notes.read"], offered: ["files.read", "notes.read", "notes.write", "files.write"], kept: [] });
    expect(pick(choices)).toEqual([
      { name: "notes.read", needed: true, ticked: true },
      { name: "files.read", needed: false, ticked: true },
      { name: "notes.write", needed: false, ticked: true },
      { name: "files.write", needed: false, ticked: true },
    ]);
    // Each choice carries the catalogue's wording.
    expect(choices[0]).toMatchObject({ title: expect.any(String), explanation: expect.any(String) });
  });

  it("does not offer again what the person already granted", () => {
    const choices = scopeChoices({ needed: ["files.read"], offered: ["notes.read", "files.read"], kept: ["notes.read"] });
    expect(pick(choices)).toEqual([{ name: "files.read", needed: true, ticked: true }]);
  });

  it("a needed scope is offered even when the token does not list it; unknown names are dropped", () => {
    expect(pick(scopeChoices({ needed: ["account.read"], offered: ["no.such.scope"], kept: [] }))).toEqual([{ name: "account.read", needed: true, ticked: true }]);
  });

  it("without a calling tool nothing is needed, everything offered is ticked", () => {
    expect(scopeChoices({ needed: [], offered: ["notes.read", "files.read"], kept: [] }).every((c) => !c.needed && c.ticked)).toBe(true);
  });
});

describe("what Continue asks for", () => {
  const input = { needed: ["notes.read"], offered: ["notes.read", "notes.write", "files.read"], kept: ["account.read"] };

  it("needed ∪ ticked ∪ kept", () => {
    expect(chosenScopes(input, ["notes.write", "files.read"]).sort()).toEqual(["account.read", "files.read", "notes.read", "notes.write"]);
  });

  it("an unticked scope is left out; a needed one cannot be unticked", () => {
    expect(chosenScopes(input, ["files.read"]).sort()).toEqual(["account.read", "files.read", "notes.read"]);
    expect(chosenScopes(input, []).sort()).toEqual(["account.read", "notes.read"]);
  });

  it("a forged form cannot add a scope that was not offered", () => {
    expect(chosenScopes(input, ["files.write", "deck.write", "openid", 42, null]).sort()).toEqual(["account.read", "notes.read"]);
  });
});
