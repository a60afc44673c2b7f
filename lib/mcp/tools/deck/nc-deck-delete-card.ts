/** nc_deck_delete_card: deletes one card and says which one it was. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { deleteCard, locateCard } from "@/lib/nextcloud/deck-client";
import { boardId, cardId, cardLine, cardSummary, summarizeCard } from "./deck-shapes";

export const ncDeckDeleteCard = defineNextcloudTool({
  name: "nc_deck_delete_card",
  title: "Delete a Deck card",
  description: "Deletes a card from a Deck board (Deck keeps deleted cards for a while; to keep it visible but out of the way, archive it with nc_deck_update_card instead). Needs deck.write.",
  input: z.object({ board_id: boardId, card_id: cardId }),
  output: z.object({ deleted: cardSummary }),
  annotations: { title: "Delete a Deck card", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["deck.read", "deck.write"],
  async run({ board_id, card_id }, context) {
    const connection = connectionOf(context);
    const { card } = await locateCard(connection, board_id, card_id);
    await deleteCard(connection, board_id, card.stackId, card.id);
    const deleted = summarizeCard(card);
    return { structured: { deleted }, text: `Deleted card ${cardLine(deleted)} from board #${board_id}.` };
  },
});
