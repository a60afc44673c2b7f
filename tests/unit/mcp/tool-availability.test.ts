import { describe, expect, it } from "vitest";
import { scopeInfo } from "@/lib/auth/scopes";
import { appsRequiredBy, availableTools, missingAppsFor, unavailableMessage, unavailableToolCall } from "@/lib/mcp/tool-availability";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import type { NextcloudCapabilities } from "@/lib/nextcloud/capabilities";

const caps = (...apps: string[]): NextcloudCapabilities => ({ apps: new Set(["core", "files", "dav", ...apps]), version: "32.0.1", readAt: Date.now() });
const names = (capabilities?: NextcloudCapabilities) => availableTools(TOOL_CATALOGUE, capabilities).map((t) => t.name);

describe("tools appear only where the Nextcloud has their app", () => {
  it("tags each tool with the apps of its scopes: Notes, Deck and sharing are optional, files/calendar/contacts are not", () => {
    const byName = (name: string) => appsRequiredBy(TOOL_CATALOGUE.find((t) => t.name === name)!);
    expect(byName("nc_notes_update")).toEqual(["notes"]);
    expect(byName("nc_deck_update_card")).toEqual(["deck"]);
    expect(byName("nc_share_create_link")).toEqual(["files_sharing"]);
    expect(byName("nc_webdav_read_file")).toEqual([]);
    expect(byName("nc_calendar_list_events")).toEqual([]);
    expect(byName("whoami")).toEqual([]);
    expect(scopeInfo("files.share")).toMatchObject({ title: "Share your files", writes: true, requiresApp: "files_sharing" });
  });

  it("fails open while nothing is known, and leaves out exactly the tools of a missing app", () => {
    expect(names(undefined)).toEqual(TOOL_CATALOGUE.map((t) => t.name));
    expect(names(caps("notes", "deck", "files_sharing"))).toEqual(TOOL_CATALOGUE.map((t) => t.name));
    const withoutDeck = names(caps("notes", "files_sharing"));
    expect(withoutDeck.filter((n) => n.startsWith("nc_deck_"))).toEqual([]);
    expect(withoutDeck).toEqual(TOOL_CATALOGUE.map((t) => t.name).filter((n) => !n.startsWith("nc_deck_")));
    const bare = names(caps());
    expect(bare.some((n) => /^nc_(notes|deck|share)_/.test(n))).toBe(false);
    expect(bare).toEqual(expect.arrayContaining(["nc_webdav_read_file", "nc_calendar_list_events", "provision_nextcloud_access"]));
  });

  it("names the missing apps of a set of scopes, and says what to do", () => {
    expect(missingAppsFor(["deck.read", "notes.read", "files.read"], caps("notes"))).toEqual(["deck"]);
    expect(missingAppsFor(["deck.read"], undefined)).toEqual([]);
    expect(unavailableMessage("nc_deck_list_boards", ["deck"])).toMatch(/nc_deck_list_boards is not available: this Nextcloud does not have the Deck app .*admin/);
  });

  it("a call by name to a tool hidden for a missing app gets the reason; not for a scope the token lacks, an unknown tool, a notification or unknown capabilities", () => {
    const call = (name: string, id: number | string = 7) => ({ jsonrpc: "2.0" as const, id, method: "tools/call", params: { name, arguments: {} } });
    const held = ["deck.read", "notes.read"];
    const noDeck = caps("notes");
    expect(unavailableToolCall([call("nc_deck_list_boards")], held, TOOL_CATALOGUE, noDeck)).toEqual({ id: 7, message: unavailableMessage("nc_deck_list_boards", ["deck"]) });
    expect(unavailableToolCall([call("nc_deck_list_boards", "x")], held, TOOL_CATALOGUE, noDeck)?.id).toBe("x");
    // The app is there, or nothing is known yet (fail open), or the token lacks the scope (the scope gate's 403 comes first), or no such tool.
    expect(unavailableToolCall([call("nc_deck_list_boards")], held, TOOL_CATALOGUE, caps("notes", "deck"))).toBeUndefined();
    expect(unavailableToolCall([call("nc_deck_list_boards")], held, TOOL_CATALOGUE, undefined)).toBeUndefined();
    expect(unavailableToolCall([call("nc_deck_list_boards")], ["notes.read"], TOOL_CATALOGUE, noDeck)).toBeUndefined();
    expect(unavailableToolCall([call("nc_deck_no_such_tool")], held, TOOL_CATALOGUE, noDeck)).toBeUndefined();
    expect(unavailableToolCall([{ jsonrpc: "2.0", method: "tools/call", params: { name: "nc_deck_list_boards" } }], held, TOOL_CATALOGUE, noDeck)).toBeUndefined();
    expect(unavailableToolCall([{ jsonrpc: "2.0", id: 1, method: "tools/list" }], held, TOOL_CATALOGUE, noDeck)).toBeUndefined();
  });
});
