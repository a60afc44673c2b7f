/** nc_deck_get_board: one call for a board's overview — stacks in order with their cards, labels and members. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { getBoard, listStacks } from "@/lib/nextcloud/deck-client";
import { boardId, boardOf, boardShape, cardLine, describeBoard, stackOf, stackShape } from "./deck-shapes";

export const ncDeckGetBoard = defineNextcloudTool({
  name: "nc_deck_get_board",
  title: "Show a Deck board",
  description:
    "Shows one Deck board in a single call: its stacks (lists, in order) with their cards (title, due date, labels, assignees; archived cards left out), the board's labels and members. Needs deck.read.",
  input: z.object({ board_id: boardId }),
  output: boardShape.extend({ stacks: z.array(stackShape) }),
  annotations: { title: "Show a Deck board", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["deck.read"],
  async run({ board_id }, context) {
    const connection = connectionOf(context);
    const [board, stacks] = await Promise.all([getBoard(connection, board_id), listStacks(connection, board_id)]);
    const shaped = stacks.sort((a, b) => a.order - b.order).map(stackOf);
    const text = [
      `${describeBoard(board)} (owner ${board.owner.uid}); labels: ${board.labels.map((l) => l.title).join(", ") || "none"}.`,
      ...shaped.map((s) => `\n## ${s.title} (stack #${s.id}, ${s.cards.length} card${s.cards.length === 1 ? "" : "s"})\n${s.cards.map((c) => `- ${cardLine(c)}`).join("\n")}`),
    ].join("\n");
    return {
      structured: { ...boardOf(board), stacks: shaped },
      text: text.trim(),
    };
  },
});
