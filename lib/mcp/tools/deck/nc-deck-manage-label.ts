/** nc_deck_manage_label: create, update or delete a board's label — one tool, an action each. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { createLabel, deleteLabel, getBoard, updateLabel } from "@/lib/nextcloud/deck-client";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { boardId, hexColor, label, labelShape, resolveLabels } from "./deck-shapes";

export const ncDeckManageLabel = defineNextcloudTool({
  name: "nc_deck_manage_label",
  title: "Create, update or delete a Deck label",
  description:
    "Manages the labels of a Deck board: action create (title, color), update (label by id or title; new title and/or color) or delete (label — it is removed from every card). Needs deck.write.",
  input: z.object({
    board_id: boardId,
    action: z.enum(["create", "update", "delete"]),
    label: z.union([z.number().int().nonnegative(), z.string().min(1).max(100)]).optional().describe("The label to update or delete, by id or title."),
    title: z.string().trim().min(1).max(100).optional(),
    color: hexColor.optional(),
  }),
  output: z.object({ action: z.string(), label: labelShape }),
  annotations: { title: "Manage a Deck label", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ["deck.read", "deck.write"],
  async run(input, context) {
    const connection = connectionOf(context);
    const { board_id, action } = input;
    if (action === "create") {
      if (!input.title) throw new NextcloudRequestError("invalid", "create needs a title.");
      const created = await createLabel(connection, board_id, { title: input.title, color: (input.color ?? "31cc7c").toUpperCase() });
      return { structured: { action, label: label(created) }, text: `Created label "${created.title}" (#${created.id}) on board #${board_id}.` };
    }
    if (input.label === undefined) throw new NextcloudRequestError("invalid", `${action} needs label (its id or title).`);
    const board = await getBoard(connection, board_id);
    const [id] = resolveLabels(board, [input.label]);
    const current = board.labels.find((l) => l.id === id)!;
    if (action === "delete") {
      await deleteLabel(connection, board_id, id!);
      return { structured: { action, label: label(current) }, text: `Deleted label "${current.title}" from board #${board_id} and its cards.` };
    }
    if (!input.title && !input.color) throw new NextcloudRequestError("invalid", "update needs a new title or color.");
    const updated = await updateLabel(connection, board_id, id!, { title: input.title ?? current.title, color: (input.color ?? current.color).toUpperCase() });
    return { structured: { action, label: label(updated) }, text: `Updated label "${current.title}" → "${updated.title}" (${updated.color}).` };
  },
});
