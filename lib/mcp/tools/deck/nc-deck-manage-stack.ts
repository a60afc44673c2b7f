/** nc_deck_manage_stack: create, rename, reorder or delete a stack (a list of cards) — one tool, an action each. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { createStack, deleteStack, listStacks, updateStack } from "@/lib/nextcloud/deck-client";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { boardId, stackId } from "./deck-shapes";

const stackResult = z.object({ id: z.number().int(), title: z.string(), order: z.number().int() });

export const ncDeckManageStack = defineNextcloudTool({
  name: "nc_deck_manage_stack",
  title: "Create, rename, reorder or delete a Deck stack",
  description:
    "Manages the stacks (lists) of a Deck board: action create (title, optional position), rename (stack_id, title), reorder (stack_id, position; 0 is leftmost) or delete (stack_id — deletes its cards too). Needs deck.write.",
  input: z.object({
    board_id: boardId,
    action: z.enum(["create", "rename", "reorder", "delete"]),
    stack_id: stackId.optional(),
    title: z.string().trim().min(1).max(100).optional(),
    position: z.number().int().min(0).max(1000).optional(),
  }),
  output: z.object({ action: z.string(), stack: stackResult, deleted_cards: z.number().int().optional() }),
  annotations: { title: "Manage a Deck stack", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ["deck.read", "deck.write"],
  async run({ board_id, action, stack_id, title, position }, context) {
    const connection = connectionOf(context);
    if (action === "create") {
      if (!title) throw new NextcloudRequestError("invalid", "create needs a title.");
      const stacks = await listStacks(connection, board_id);
      const s = await createStack(connection, board_id, { title, order: position ?? stacks.length });
      return { structured: { action, stack: { id: s.id, title: s.title, order: s.order } }, text: `Created stack "${s.title}" (#${s.id}) on board #${board_id}.` };
    }
    if (stack_id === undefined) throw new NextcloudRequestError("invalid", `${action} needs stack_id.`);
    const stacks = await listStacks(connection, board_id);
    const current = stacks.find((s) => s.id === stack_id);
    if (!current) throw new NextcloudRequestError("not_found", `Board ${board_id} has no stack ${stack_id}; its stacks are: ${stacks.map((s) => `${s.title} (${s.id})`).join(", ") || "none"}.`, 404);
    if (action === "delete") {
      await deleteStack(connection, board_id, stack_id);
      return {
        structured: { action, stack: { id: current.id, title: current.title, order: current.order }, deleted_cards: current.cards.length },
        text: `Deleted stack "${current.title}" (#${current.id}) and its ${current.cards.length} card${current.cards.length === 1 ? "" : "s"}.`,
      };
    }
    if (action === "rename") {
      if (!title) throw new NextcloudRequestError("invalid", "rename needs a title.");
      const s = await updateStack(connection, board_id, stack_id, { title, order: current.order });
      return { structured: { action, stack: { id: s.id, title: s.title, order: s.order } }, text: `Renamed stack "${current.title}" to "${s.title}".` };
    }
    if (position === undefined) throw new NextcloudRequestError("invalid", "reorder needs a position.");
    // Deck sorts stacks by `order`: renumber them all so the stack lands exactly at `position`.
    const others = stacks.filter((s) => s.id !== stack_id).sort((a, b) => a.order - b.order);
    others.splice(Math.min(position, others.length), 0, current);
    for (const [order, s] of others.entries()) if (s.order !== order) await updateStack(connection, board_id, s.id, { title: s.title, order });
    const at = others.findIndex((s) => s.id === stack_id);
    return { structured: { action, stack: { id: current.id, title: current.title, order: at } }, text: `Moved stack "${current.title}" to position ${at}: ${others.map((s) => s.title).join(" → ")}.` };
  },
});
