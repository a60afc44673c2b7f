/** nc_deck_create_card: a card in a stack, with labels and assignees in the same call. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { changeCard, createCard, getBoard, getCard } from "@/lib/nextcloud/deck-client";
import { boardId, cardFull, cardLine, dueDate, fullCard, labelRefs, resolveLabels, stackId, userIds } from "./deck-shapes";

export const ncDeckCreateCard = defineNextcloudTool({
  name: "nc_deck_create_card",
  title: "Create a Deck card",
  description: "Creates a card in a stack of a Deck board, optionally with a description (Markdown), a due date, labels (by title or id) and assignees. Needs deck.write.",
  input: z.object({
    board_id: boardId,
    stack_id: stackId,
    title: z.string().trim().min(1).max(255),
    description: z.string().max(100_000).optional(),
    due: dueDate.optional(),
    labels: labelRefs.optional(),
    assignees: userIds.optional(),
  }),
  output: cardFull,
  annotations: { title: "Create a Deck card", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["deck.read", "deck.write"],
  async run(input, context) {
    const connection = connectionOf(context);
    const board = await getBoard(connection, input.board_id);
    // Resolve the labels first: an unknown label is an error before anything is created.
    const labelIds = resolveLabels(board, input.labels ?? []);
    const created = await createCard(connection, input.board_id, input.stack_id, { title: input.title, description: input.description, duedate: input.due ?? null });
    for (const id of labelIds) await changeCard(connection, input.board_id, input.stack_id, created.id, "assignLabel", id);
    for (const uid of input.assignees ?? []) await changeCard(connection, input.board_id, input.stack_id, created.id, "assignUser", uid);
    const card = labelIds.length || input.assignees?.length ? await getCard(connection, input.board_id, input.stack_id, created.id) : created;
    return { structured: fullCard(card), text: `Created card ${cardLine(fullCard(card))} on board #${board.id} "${board.title}".` };
  },
});
