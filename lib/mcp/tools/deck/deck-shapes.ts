/**
 * How Deck boards, stacks and cards look in tool results (structuredContent
 * and text), shared by the nc_deck_* tools, and the input fields they share.
 * Dates are ISO 8601; people are Nextcloud user ids with display names.
 */
import { z } from "zod";
import type { DeckBoard, DeckCard, DeckLabel, DeckStack } from "@/lib/nextcloud/deck-client";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";

export const boardId = z.number().int().nonnegative().describe("The board's id (from nc_deck_list_boards).");
export const cardId = z.number().int().nonnegative().describe("The card's id (from nc_deck_get_board).");
export const stackId = z.number().int().nonnegative().describe("The stack's (list's) id (from nc_deck_get_board).");
export const labelRefs = z
  .array(z.union([z.number().int().nonnegative(), z.string().min(1).max(100)]))
  .max(20)
  .describe("Labels of the board, by id or by title (case-insensitive).");
export const userIds = z.array(z.string().min(1).max(64)).max(20).describe("Nextcloud user ids of people on the board.");
export const dueDate = z.iso.datetime({ offset: true }).describe("ISO 8601 with offset, e.g. 2027-01-20T17:00:00+01:00.");
export const hexColor = z.string().regex(/^#?[0-9a-fA-F]{6}$/, "a colour is 6 hex digits, e.g. 0082c9").transform((c) => c.replace(/^#/, "").toLowerCase());

export const labelShape = z.object({ id: z.number().int(), title: z.string(), color: z.string() });
export const personShape = z.object({ uid: z.string(), display_name: z.string() });
export const cardSummary = z.object({
  id: z.number().int(),
  title: z.string(),
  stack_id: z.number().int(),
  order: z.number().int(),
  due: z.string().nullable(),
  done: z.string().nullable(),
  archived: z.boolean(),
  labels: z.array(labelShape),
  assignees: z.array(personShape),
});
export const cardFull = cardSummary.extend({ description: z.string(), owner: z.string(), last_modified: z.string(), etag: z.string().nullable() });
export const stackShape = z.object({ id: z.number().int(), title: z.string(), order: z.number().int(), cards: z.array(cardSummary) });

export const label = (l: DeckLabel): z.output<typeof labelShape> => ({ id: l.id, title: l.title, color: l.color });

/** What the board tools show of any board: who owns it, whether you may edit, its labels and members. */
export const boardShape = z.object({
  id: z.number().int(),
  title: z.string(),
  owner: z.string(),
  can_edit: z.boolean(),
  labels: z.array(labelShape),
  members: z.array(personShape),
});

export function boardOf(b: DeckBoard): z.output<typeof boardShape> {
  return {
    id: b.id,
    title: b.title,
    owner: b.owner.uid,
    can_edit: b.permissions?.PERMISSION_EDIT ?? false,
    labels: b.labels.map(label),
    members: b.users.map((u) => ({ uid: u.uid, display_name: u.displayname ?? u.uid })),
  };
}

export function summarizeCard(c: DeckCard): z.output<typeof cardSummary> {
  return {
    id: c.id,
    title: c.title,
    stack_id: c.stackId,
    order: c.order,
    due: c.duedate,
    done: c.done,
    archived: c.archived,
    labels: c.labels.map(label),
    assignees: c.assignedUsers.map((u) => ({ uid: u.uid, display_name: u.displayName })),
  };
}

export function fullCard(c: DeckCard): z.output<typeof cardFull> {
  return { ...summarizeCard(c), description: c.description, owner: c.owner, last_modified: new Date(c.lastModified * 1000).toISOString(), etag: c.ETag ?? null };
}

export function stackOf(s: DeckStack): z.output<typeof stackShape> {
  return { id: s.id, title: s.title, order: s.order, cards: s.cards.map(summarizeCard) };
}

/** One line per card: "#12 Title (due …) [Label] @alice". */
export function cardLine(c: z.output<typeof cardSummary>): string {
  const due = c.due ? ` (due ${c.due})` : "";
  const labels = c.labels.map((l) => ` [${l.title}]`).join("");
  const people = c.assignees.map((a) => ` @${a.uid}`).join("");
  return `#${c.id} ${c.title}${due}${labels}${people}${c.archived ? " (archived)" : ""}${c.done ? " ✓" : ""}`;
}

/** Label ids for references by id or title; an unknown one is an error that lists the board's labels. */
export function resolveLabels(board: Pick<DeckBoard, "id" | "labels">, refs: readonly (number | string)[]): number[] {
  return refs.map((ref) => {
    const found = board.labels.find((l) => (typeof ref === "number" ? l.id === ref : l.title.toLowerCase() === ref.trim().toLowerCase()));
    if (!found) throw new NextcloudRequestError("invalid", `Board ${board.id} has no label ${JSON.stringify(ref)}; its labels are: ${board.labels.map((l) => `${l.title} (${l.id})`).join(", ") || "none"}.`);
    return found.id;
  });
}

export function describeBoard(b: Pick<DeckBoard, "id" | "title">): string {
  return `board #${b.id} "${b.title}"`;
}
