import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { stepUpScopes } from "@/lib/auth/scope-policy";
import { resourceScopes, scopeInfo, scopesUsedBy } from "@/lib/auth/scopes";
import { challengeParam, bearerChallenge } from "@/lib/auth/www-authenticate";
import { protectedResourceMetadata } from "@/lib/auth/protected-resource-metadata";
import { callerFromAuthInfo } from "@/lib/mcp/caller";
import { toolsFor } from "@/lib/mcp/create-mcp-server";
import { offeredApps, offeredFirstContactScopes, offeredResourceScopes } from "@/lib/mcp/offered-scopes";
import { serverInstructions } from "@/lib/mcp/server-instructions";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import { defineTool, describeWithAccess } from "@/lib/mcp/tool-definition";
import { provisionNextcloudAccess } from "@/lib/mcp/tools/provisioning/provision-nextcloud-access";

const TOOL_SCOPES = ["account.read", "notes.read", "notes.write", "files.read", "files.write", "files.share", "calendar.read", "calendar.write", "contacts.read", "contacts.write", "deck.read", "deck.write"];
/** The catalogue before the Deck tools: a scope no tool uses is not offered. */
const WITHOUT_DECK = TOOL_CATALOGUE.filter((t) => !t.requiredScopes.some((s) => s.startsWith("deck.")));
const SCOPES_WITHOUT_DECK = TOOL_SCOPES.filter((s) => !s.startsWith("deck."));
const deckTool = defineTool({
  name: "nc_deck_list_boards",
  title: "List boards",
  description: "Lists Deck boards.",
  input: z.object({}),
  output: z.object({ names: z.array(z.string()) }),
  annotations: { readOnlyHint: true },
  requiredScopes: ["deck.read"],
  run: async () => ({ structured: { names: [] }, text: "none" }),
});
const auth = (scopes: string[]): AuthInfo => ({ token: "t", clientId: "c", scopes, expiresAt: 2_000_000_000, extra: { sub: "alice" } });

/** What an MCP 2025-11-25 client requests (authorization, "Scope Selection Strategy"; the SDK's authInternal): the challenge's scope, else all of scopes_supported. */
const clientSelection = (challenge: string, metadata: { scopes_supported: string[] }) => challengeParam(challenge, "scope") ?? metadata.scopes_supported.join(" ");

describe("offered scopes come from the tool catalogue", () => {
  it("offers exactly the resource scopes some tool requires, none that no tool uses", () => {
    expect(offeredResourceScopes()).toEqual(TOOL_SCOPES);
    for (const unused of ["deck.read", "deck.write"]) {
      expect(offeredResourceScopes(WITHOUT_DECK)).not.toContain(unused);
      expect(offeredFirstContactScopes(WITHOUT_DECK)).not.toContain(unused);
    }
    // The definitions stay in the scope catalogue, ready for the tools that will use them.
    expect(resourceScopes("mcp")).toContain("deck.read");
    expect(scopeInfo("deck.write")?.app).toBe("deck");
  });

  it("brings a new area's scopes into use by adding a tool, and nothing else", () => {
    const catalogue = [...WITHOUT_DECK, deckTool];
    expect(offeredResourceScopes(catalogue)).toEqual([...SCOPES_WITHOUT_DECK, "deck.read"]);
    expect(offeredApps(catalogue)).toEqual(["account", "notes", "files", "calendar", "contacts", "deck"]);
    expect(serverInstructions(WITHOUT_DECK)).not.toMatch(/deck/i);
    expect(serverInstructions(catalogue)).toMatch(/deck/i);
    expect(scopesUsedBy([{ requiredScopes: ["notes.read", "not-a-scope", "openid"] }])).toEqual(["notes.read"]);
  });

  it("makes a standard client's first request name every tool scope plus openid and offline_access, by challenge or by metadata", () => {
    const url = "https://mcp.example/.well-known/oauth-protected-resource/api/mcp";
    const expected = ["openid", "offline_access", ...TOOL_SCOPES];
    const metadata = protectedResourceMetadata({ APP_URL: "https://mcp.example", MCP_URL: "https://mcp.example/api/mcp", ISSUER: "https://mcp.example/api/oidc" }, offeredFirstContactScopes());
    const challenge = bearerChallenge({ resourceMetadataUrl: url, scopes: offeredFirstContactScopes() });
    expect(clientSelection(challenge, metadata).split(" ")).toEqual(expected);
    // A client that ignores the challenge's scope and reads the metadata asks for the same.
    expect(clientSelection(bearerChallenge({ resourceMetadataUrl: url }), metadata).split(" ")).toEqual(expected);
  });

  it("keeps the step-up challenge the union of what is held and what is needed", () => {
    expect(stepUpScopes(["openid", "notes.read"], ["files.write"])).toEqual(["openid", "notes.read", "files.write"]);
  });
});

describe("what the model sees", () => {
  it("lists the tools the token's scopes allow and no other", () => {
    const names = (scopes: string[]) => toolsFor(callerFromAuthInfo(auth(scopes))).map((t) => t.name);
    const all = names(TOOL_SCOPES);
    expect(all).toEqual(expect.arrayContaining(["nc_notes_search", "nc_notes_create", "nc_webdav_read_file", "nc_webdav_write_file", "nc_get_user_info"]));
    const withoutFilesWrite = names(TOOL_SCOPES.filter((s) => s !== "files.write"));
    for (const tool of TOOL_CATALOGUE.filter((t) => t.requiredScopes.includes("files.write"))) expect(withoutFilesWrite).not.toContain(tool.name);
    expect(withoutFilesWrite).toContain("nc_webdav_read_file");
    expect(names([])).toEqual(TOOL_CATALOGUE.filter((t) => t.requiredScopes.length === 0 && !t.listedWithAnyOf).map((t) => t.name));
  });

  it("lists nc_search and nc_search_status once the token holds any read scope of a source, and not before", () => {
    const names = (scopes: string[]) => toolsFor(callerFromAuthInfo(auth(scopes))).map((t) => t.name);
    expect(names(["account.read", "notes.write"])).not.toContain("nc_search");
    expect(names(["account.read", "calendar.write", "contacts.write", "deck.write"])).not.toContain("nc_search_status");
    for (const held of [["notes.read"], ["files.read"], ["calendar.read"], ["contacts.read"], ["deck.read"], ["notes.read", "files.read"]]) {
      expect(names(held)).toEqual(expect.arrayContaining(["nc_search", "nc_search_status"]));
    }
    const search = TOOL_CATALOGUE.find((t) => t.name === "nc_search")!;
    expect(describeWithAccess(search)).toMatch(/whichever of .*notes\.read.*files\.read.*deck\.read/);
  });

  it("names the access each tool uses in its description", () => {
    const write = TOOL_CATALOGUE.find((t) => t.name === "nc_webdav_write_file")!;
    expect(describeWithAccess(write)).toContain(write.description);
    expect(describeWithAccess(write)).toMatch(/Access: .*\(files\.write\)/);
    const whoami = TOOL_CATALOGUE.find((t) => t.name === "whoami")!;
    expect(describeWithAccess(whoami)).toMatch(/Access: none/);
  });

  it("provision_nextcloud_access offers only the scopes some Nextcloud tool uses", () => {
    const tool = TOOL_CATALOGUE.find((t) => t.name === "provision_nextcloud_access")!;
    expect(tool.input.safeParse({ scopes: ["notes.read", "files.write"] }).success).toBe(true);
    expect(tool.input.safeParse({ scopes: ["deck.read", "files.share"] }).success).toBe(true);
    expect(tool.input.safeParse({ scopes: ["openid"] }).success).toBe(false);
    expect(tool.input.safeParse({ scopes: ["deck.admin"] }).success).toBe(false);
    // A catalogue without the Deck tools does not offer the Deck scopes.
    const withoutDeck = provisionNextcloudAccess(scopesUsedBy(WITHOUT_DECK.filter((t) => t.name !== "provision_nextcloud_access")));
    expect(JSON.stringify(z.toJSONSchema(withoutDeck.input))).not.toMatch(/deck/);
  });

  it("instructions name only the offered areas and how provisioning goes", () => {
    const text = serverInstructions(TOOL_CATALOGUE);
    expect(text).toMatch(/notes/);
    expect(text).toMatch(/files/);
    expect(text).toMatch(/calendar/);
    expect(text).toMatch(/Deck boards/);
    expect(serverInstructions(WITHOUT_DECK)).not.toMatch(/deck/i);
    expect(text).toMatch(/link/);
    expect(text).toMatch(/same tool again/);
    expect(text).toMatch(/nc_search/);
    expect(text.split(/(?<=\.)\s/).length).toBeLessThanOrEqual(3);
  });
});
