/** nc_deck_create_board: a new board, optionally with its stacks in one call. */
import { z } from "zod";
import { defineNextcloudTool, connectionOf } from "@/lib/mcp/define-nextcloud-tool";
import { createBoard, createStack } from "@/lib/nextcloud/deck-client";
import { describeBoard, hexColor, label, labelShape } from "./deck-shapes";

export const ncDeckCreateBoard = defineNextcloudTool({
  name: "nc_deck_create_board",
  title: "Create a Deck board",
  description: 'Creates a Deck board owned by you, optionally with its stacks (lists) in order, e.g. ["To do", "Doing", "Done"]. Deck gives a new board four default labels. Needs deck.write.',
  input: z.object({
    title: z.string().trim().min(1).max(100),
    color: hexColor.default("0082c9"),
    stacks: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  }),
  output: z.object({ id: z.number().int(), title: z.string(), color: z.string(), labels: z.array(labelShape), stacks: z.array(z.object({ id: z.number().int(), title: z.string() })) }),
  annotations: { title: "Create a Deck board", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["deck.write"],
  async run({ title, color, stacks }, context) {
    const connection = connectionOf(context);
    const board = await createBoard(connection, { title, color });
    const created = [];
    for (const [order, stackTitle] of stacks.entries()) created.push(await createStack(connection, board.id, { title: stackTitle, order }));
    return {
      structured: { id: board.id, title: board.title, color: board.color, labels: board.labels.map(label), stacks: created.map((s) => ({ id: s.id, title: s.title })) },
      text: `Created ${describeBoard(board)}${created.length ? ` with stacks ${created.map((s) => `"${s.title}" (#${s.id})`).join(", ")}` : ""}.`,
    };
  },
});
