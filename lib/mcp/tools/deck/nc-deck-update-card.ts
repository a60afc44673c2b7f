/**
 * nc_deck_update_card: one partial update for everything a card can change —
 * title, description, due date, done, labels and assignees (added and
 * removed), a move to another stack (also on another board) or position,
 * and archive/unarchive. Only the given fields change; the result says which.
 */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { changeCard, getBoard, getCard, locateCard, moveCard, updateCard, type DeckCard } from "@/lib/nextcloud/deck-client";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { boardId, cardFull, cardId, cardLine, dueDate, fullCard, labelRefs, resolveLabels, stackId, userIds } from "./deck-shapes";

export const ncDeckUpdateCard = defineNextcloudTool({
  name: "nc_deck_update_card",
  title: "Update a Deck card",
  description:
    "Changes a Deck card in one call, only the fields you give: title, description, due (null removes it), done, add/remove labels (by title or id), assign/unassign people, move to another stack (move_to_stack_id; with move_to_board_id to another board), position in its stack, archived. Needs deck.write.",
  input: z.object({
    board_id: boardId,
    card_id: cardId,
    title: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(100_000).optional(),
    due: dueDate.nullable().optional(),
    done: z.boolean().optional().describe("Mark the card done (true) or not done (false)."),
    add_labels: labelRefs.optional(),
    remove_labels: labelRefs.optional(),
    assign: userIds.optional(),
    unassign: userIds.optional(),
    move_to_stack_id: stackId.optional(),
    move_to_board_id: boardId.optional().describe("The board of move_to_stack_id, when it is another board."),
    position: z.number().int().min(0).max(100_000).optional().describe("Order in the (target) stack; 0 is the top."),
    archived: z.boolean().optional(),
  }),
  output: cardFull.extend({ changed: z.array(z.string()) }),
  annotations: { title: "Update a Deck card", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ["deck.read", "deck.write"],
  async run(input, context) {
    const { board_id, card_id } = input;
    const changed: string[] = [];
    const given = Object.entries(input).filter(([k, v]) => v !== undefined && k !== "board_id" && k !== "card_id");
    if (given.length === 0) throw new NextcloudRequestError("invalid", "Nothing to update: give at least one field to change.");
    if (input.move_to_board_id !== undefined && input.move_to_stack_id === undefined) throw new NextcloudRequestError("invalid", "move_to_board_id needs move_to_stack_id (a stack of that board).");
    const connection = connectionOf(context);
    const [board, located] = await Promise.all([getBoard(connection, board_id), locateCard(connection, board_id, card_id)]);
    let card: DeckCard = located.card;
    const addLabels = resolveLabels(board, input.add_labels ?? []);
    const removeLabels = resolveLabels(board, input.remove_labels ?? []);

    const fields: Parameters<typeof updateCard>[3] = {};
    if (input.title !== undefined) fields.title = input.title;
    if (input.description !== undefined) fields.description = input.description;
    if (input.due !== undefined) fields.duedate = input.due;
    if (input.done !== undefined) fields.done = input.done ? (card.done ?? new Date().toISOString()) : null;
    if (input.archived !== undefined) fields.archived = input.archived;
    for (const uid of input.unassign ?? []) {
      await changeCard(connection, board_id, card.stackId, card.id, "unassignUser", uid);
      changed.push(`unassigned ${uid}`);
    }
    for (const uid of input.assign ?? []) {
      if (card.assignedUsers.some((u) => u.uid === uid)) continue;
      await changeCard(connection, board_id, card.stackId, card.id, "assignUser", uid);
      changed.push(`assigned ${uid}`);
    }
    for (const id of removeLabels) {
      await changeCard(connection, board_id, card.stackId, card.id, "removeLabel", id);
      changed.push(`removed label ${board.labels.find((l) => l.id === id)!.title}`);
    }
    for (const id of addLabels) {
      await changeCard(connection, board_id, card.stackId, card.id, "assignLabel", id);
      changed.push(`added label ${board.labels.find((l) => l.id === id)!.title}`);
    }
    if (Object.keys(fields).length > 0) {
      card = await updateCard(connection, board_id, card, fields);
      changed.push(...Object.keys(fields));
    }
    let where = board_id;
    const targetBoard = input.move_to_board_id ?? board_id;
    if (input.move_to_stack_id !== undefined && targetBoard !== board_id) {
      // Another board: Deck's full update with the new stack id (it checks edit permission on both boards).
      card = await updateCard(connection, targetBoard, card, { stackId: input.move_to_stack_id, order: input.position ?? card.order });
      where = targetBoard;
      changed.push(`moved to board ${targetBoard}, stack ${input.move_to_stack_id}`);
    } else if (input.move_to_stack_id !== undefined || input.position !== undefined) {
      const target = { stackId: input.move_to_stack_id ?? card.stackId, order: input.position ?? card.order };
      await moveCard(connection, board_id, card.stackId, card.id, target);
      changed.push(target.stackId !== card.stackId ? `moved to stack ${target.stackId}` : `position ${target.order}`);
      card = { ...card, stackId: target.stackId };
    }
    const after = await getCard(connection, where, card.stackId, card.id);
    return {
      structured: { ...fullCard(after), changed },
      text: `Updated card ${cardLine(fullCard(after))}: ${changed.join(", ") || "nothing changed"}.`,
    };
  },
});
