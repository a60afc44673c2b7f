/** nc_deck_list_boards: the boards the person can see (own and shared), with their labels and people. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { listBoards } from "@/lib/nextcloud/deck-client";
import { boardOf, boardShape } from "./deck-shapes";

export const ncDeckListBoards = defineNextcloudTool({
  name: "nc_deck_list_boards",
  title: "List Deck boards",
  description: "Lists your Nextcloud Deck boards (your own and those shared with you): id, title, owner, whether you may edit, labels and members. Then use nc_deck_get_board for a board's stacks and cards. Needs deck.read.",
  input: z.object({ include_archived: z.boolean().default(false).describe("Also list archived boards.") }),
  output: z.object({
    boards: z.array(
      boardShape.extend({ color: z.string(), archived: z.boolean() }),
    ),
  }),
  annotations: { title: "List Deck boards", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["deck.read"],
  async run({ include_archived }, context) {
    const all = await listBoards(connectionOf(context));
    const boards = all
      .filter((b) => include_archived || !b.archived)
      .map((b) => ({ ...boardOf(b), color: b.color, archived: b.archived }));
    const lines = boards.map((b) => `- #${b.id} "${b.title}" (owner ${b.owner}${b.can_edit ? "" : ", read-only"}${b.archived ? ", archived" : ""})`);
    return { structured: { boards }, text: boards.length ? `${boards.length} board${boards.length === 1 ? "" : "s"}:\n${lines.join("\n")}` : "You have no Deck boards." };
  },
});
