/** nc_deck_add_comment: a comment on a card (Deck's OCS comments API); nc_deck_get_card lists them. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { addComment } from "@/lib/nextcloud/deck-client";
import { cardId } from "./deck-shapes";

export const ncDeckAddComment = defineNextcloudTool({
  name: "nc_deck_add_comment",
  title: "Comment on a Deck card",
  description: "Adds a comment to a Deck card, as you (people on the board see it; @name mentions notify them). Read comments with nc_deck_get_card. Needs deck.write.",
  input: z.object({ card_id: cardId, message: z.string().trim().min(1).max(1000) }),
  output: z.object({ id: z.number().int(), card_id: z.number().int(), author: z.string(), message: z.string(), created: z.string() }),
  annotations: { title: "Comment on a Deck card", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["deck.write"],
  async run({ card_id, message }, context) {
    const c = await addComment(connectionOf(context), card_id, message);
    return { structured: { id: c.id, card_id, author: c.actorId, message: c.message, created: c.creationDateTime }, text: `Commented on card #${card_id} (comment #${c.id}).` };
  },
});
