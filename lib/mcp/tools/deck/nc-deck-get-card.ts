/** nc_deck_get_card: one card with its description, latest comments and attachment list. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { listAttachments, listComments, locateCard } from "@/lib/nextcloud/deck-client";
import { boardId, cardFull, cardId, cardLine, fullCard } from "./deck-shapes";

export const ncDeckGetCard = defineNextcloudTool({
  name: "nc_deck_get_card",
  title: "Read a Deck card",
  description: "Reads one Deck card: title, description, stack, due date, labels, assignees, its comments (newest first; page with comment_offset) and its attachments. Needs deck.read.",
  input: z.object({
    board_id: boardId,
    card_id: cardId,
    comment_limit: z.number().int().min(0).max(100).default(20),
    comment_offset: z.number().int().min(0).default(0),
  }),
  output: cardFull.extend({
    stack_title: z.string(),
    comments: z.array(z.object({ id: z.number().int(), author: z.string(), message: z.string(), created: z.string() })),
    attachments: z.array(z.object({ id: z.number().int(), type: z.string(), name: z.string() })),
  }),
  annotations: { title: "Read a Deck card", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["deck.read"],
  async run({ board_id, card_id, comment_limit, comment_offset }, context) {
    const connection = connectionOf(context);
    const { stacks, card } = await locateCard(connection, board_id, card_id);
    const [comments, attachments] = await Promise.all([
      comment_limit > 0 ? listComments(connection, card.id, { limit: comment_limit, offset: comment_offset }) : Promise.resolve([]),
      listAttachments(connection, board_id, card.stackId, card.id),
    ]);
    const stackTitle = stacks.find((s) => s.id === card.stackId)?.title ?? "";
    const shaped = {
      ...fullCard(card),
      stack_title: stackTitle,
      comments: comments.map((c) => ({ id: c.id, author: c.actorId, message: c.message, created: c.creationDateTime })),
      attachments: attachments.map((a) => ({ id: a.id, type: a.type, name: a.data })),
    };
    const text = [
      `${cardLine(shaped)} in "${stackTitle}"`,
      shaped.description ? `\n${shaped.description}` : "",
      shaped.comments.length ? `\nComments:\n${shaped.comments.map((c) => `- ${c.author} (${c.created}): ${c.message}`).join("\n")}` : "\nNo comments.",
      shaped.attachments.length ? `\nAttachments: ${shaped.attachments.map((a) => a.name).join(", ")}` : "",
    ].join("");
    return { structured: shaped, text };
  },
});
