/**
 * Nextcloud Deck (nextcloud/deck docs/API.md). The REST API lives under
 * /index.php/apps/deck/api/v1.0 and is `#[CORS]` like Notes', so every
 * request is the "app" kind (OCS-APIRequest: true, nextcloud-api.ts);
 * comments exist only in Deck's OCS API (/ocs/v2.php/apps/deck/api/v1.0).
 *
 *   GET  /boards                      boards the user can see (If-Modified-Since)
 *   POST /boards                      {title, color}
 *   GET  /boards/{b}                  board with labels, users, permissions (ETag)
 *   GET  /boards/{b}/stacks           stacks with their (unarchived) cards (ETag, If-Modified-Since)
 *   POST|PUT|DELETE /boards/{b}/stacks[/{s}]          {title, order}
 *   GET|POST|PUT|DELETE /boards/{b}/stacks/{s}/cards[/{c}]
 *   PUT  …/cards/{c}/(assignLabel|removeLabel|assignUser|unassignUser|reorder|archive|unarchive)
 *   GET  …/cards/{c}/attachments
 *   POST|PUT|DELETE /boards/{b}/labels[/{l}]           {title, color}
 *   GET|POST /ocs/v2.php/apps/deck/api/v1.0/cards/{c}/comments
 *
 * Deck answers 403 "Permission denied" for a board the user cannot see or
 * change and 400 for a bad parameter (e.g. a stack that is not on the
 * board); the messages below name the board, stack or card.
 */
import { z } from "zod";
import { NextcloudRequestError } from "./nextcloud-request";
import { jsonBody, sendNextcloudRequest, type NextcloudConnection, type NextcloudHttpRequest } from "./send-nextcloud-request";

const API = "/index.php/apps/deck/api/v1.0";
const OCS = "/ocs/v2.php/apps/deck/api/v1.0";

const participant = z.object({ uid: z.string(), displayname: z.string().nullish() }).passthrough();
const label = z.object({ id: z.number().int(), title: z.string(), color: z.string() });
export type DeckLabel = z.output<typeof label>;

const card = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullish().transform((d) => d ?? ""),
  stackId: z.number().int(),
  type: z.string().default("plain"),
  order: z.number().int(),
  archived: z.boolean(),
  done: z.string().nullish().transform((d) => d ?? null),
  duedate: z.string().nullish().transform((d) => d ?? null),
  lastModified: z.number(),
  createdAt: z.number().optional(),
  owner: z.union([participant, z.string()]).transform((o) => (typeof o === "string" ? o : o.uid)),
  labels: z.array(label).nullish().transform((l) => l ?? []),
  assignedUsers: z.array(z.object({ participant })).nullish().transform((a) => (a ?? []).map((u) => ({ uid: u.participant.uid, displayName: u.participant.displayname ?? u.participant.uid }))),
  commentsCount: z.number().int().optional(),
  /** Deck soft-deletes: > 0 once deleted (until the deletion is final). */
  deletedAt: z.number().optional(),
  ETag: z.string().optional(),
});
export type DeckCard = z.output<typeof card>;

const stack = z.object({
  id: z.number().int(),
  title: z.string(),
  boardId: z.number().int(),
  order: z.number().int(),
  cards: z.array(card).nullish().transform((c) => c ?? []),
  ETag: z.string().optional(),
});
export type DeckStack = z.output<typeof stack>;

const board = z.object({
  id: z.number().int(),
  title: z.string(),
  color: z.string(),
  archived: z.boolean(),
  owner: participant,
  labels: z.array(label).nullish().transform((l) => l ?? []),
  users: z.array(participant).nullish().transform((u) => u ?? []),
  permissions: z.record(z.string(), z.boolean()).optional(),
  lastModified: z.number().optional(),
  deletedAt: z.number().optional(),
  ETag: z.string().optional(),
});
export type DeckBoard = z.output<typeof board>;

const comment = z.object({ id: z.number().int(), message: z.string(), actorId: z.string(), actorDisplayName: z.string().optional(), creationDateTime: z.string() });
export type DeckComment = z.output<typeof comment>;

const attachment = z.object({ id: z.number().int(), type: z.string(), data: z.string(), createdBy: z.string().optional(), extendedData: z.record(z.string(), z.unknown()).optional() }).passthrough();
export type DeckAttachment = z.output<typeof attachment>;

const ocs = <T extends z.ZodType>(data: T) => z.object({ ocs: z.object({ data }) });

function id(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new NextcloudRequestError("invalid", `A ${what} id is a whole number.`);
  return value;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new NextcloudRequestError("unexpected", `Nextcloud's Deck app sent ${what} in an unexpected format.`);
  return parsed.data;
}

/** Deck's statuses with the board, stack or card named (403: Deck's PermissionService; 400: a bad parameter). */
function deckContext(subject: string): NextcloudHttpRequest["context"] {
  return {
    subject,
    overrides: {
      403: { failure: "forbidden", message: `Deck refused this (HTTP 403 "Permission denied"): ${subject} is on a board you cannot see or may not change.` },
      400: { failure: "invalid", message: `Deck rejected the request (HTTP 400) for ${subject}: a value is invalid, e.g. a stack or label that is not on that board.` },
    },
  };
}

async function call(connection: NextcloudConnection, method: string, path: string, subject: string, body?: unknown, headers: Record<string, string> = {}) {
  return sendNextcloudRequest(connection, {
    api: path.startsWith("/ocs/") ? "ocs" : "app",
    method,
    path,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    context: deckContext(subject),
  });
}

const boardPath = (b: number) => `${API}/boards/${id(b, "board")}`;
const stackPath = (b: number, s: number) => `${boardPath(b)}/stacks/${id(s, "stack")}`;
const cardPath = (b: number, s: number, c: number) => `${stackPath(b, s)}/cards/${id(c, "card")}`;

export async function listBoards(connection: NextcloudConnection, options: { modifiedSince?: Date } = {}): Promise<DeckBoard[]> {
  const headers: Record<string, string> = options.modifiedSince ? { "if-modified-since": options.modifiedSince.toUTCString() } : {};
  return parse(z.array(board), jsonBody(await call(connection, "GET", `${API}/boards`, "your boards", undefined, headers)), "the board list");
}

export async function getBoard(connection: NextcloudConnection, boardId: number): Promise<DeckBoard> {
  return parse(board, jsonBody(await call(connection, "GET", boardPath(boardId), `board ${boardId}`)), "a board");
}

export async function createBoard(connection: NextcloudConnection, fields: { title: string; color: string }): Promise<DeckBoard> {
  return parse(board, jsonBody(await call(connection, "POST", `${API}/boards`, "the new board", fields)), "a board");
}

export async function listStacks(connection: NextcloudConnection, boardId: number): Promise<DeckStack[]> {
  return parse(z.array(stack), jsonBody(await call(connection, "GET", `${boardPath(boardId)}/stacks`, `the stacks of board ${boardId}`)), "a stack list");
}

export async function createStack(connection: NextcloudConnection, boardId: number, fields: { title: string; order: number }): Promise<DeckStack> {
  return parse(stack, jsonBody(await call(connection, "POST", `${boardPath(boardId)}/stacks`, `a new stack on board ${boardId}`, fields)), "a stack");
}

export async function updateStack(connection: NextcloudConnection, boardId: number, stackId: number, fields: { title: string; order: number }): Promise<DeckStack> {
  return parse(stack, jsonBody(await call(connection, "PUT", stackPath(boardId, stackId), `stack ${stackId} of board ${boardId}`, fields)), "a stack");
}

export async function deleteStack(connection: NextcloudConnection, boardId: number, stackId: number): Promise<void> {
  await call(connection, "DELETE", stackPath(boardId, stackId), `stack ${stackId} of board ${boardId}`);
}

export async function getCard(connection: NextcloudConnection, boardId: number, stackId: number, cardId: number): Promise<DeckCard> {
  return parse(card, jsonBody(await call(connection, "GET", cardPath(boardId, stackId, cardId), `card ${cardId}`)), "a card");
}

export interface NewCard {
  title: string;
  description?: string;
  /** ISO 8601, or null for none. */
  duedate?: string | null;
  order?: number;
}

export async function createCard(connection: NextcloudConnection, boardId: number, stackId: number, fields: NewCard): Promise<DeckCard> {
  return parse(card, jsonBody(await call(connection, "POST", `${stackPath(boardId, stackId)}/cards`, `a new card in stack ${stackId}`, { type: "plain", order: 999, ...fields })), "a card");
}

/**
 * Deck's card update takes the whole card (title, type, owner, order,
 * description, duedate, archived, done): this reads nothing itself — pass
 * the current card and the changes. The card's stack is the one in the URL
 * (Deck reads `stackId` from the route), so a `stackId` change — with
 * `boardId` the board of that stack, which may be another board the user
 * may edit — moves the card there.
 */
export async function updateCard(
  connection: NextcloudConnection,
  boardId: number,
  current: DeckCard,
  changes: Partial<Pick<DeckCard, "title" | "description" | "duedate" | "archived" | "done" | "stackId" | "order">>,
): Promise<DeckCard> {
  const next = { ...current, ...changes };
  const body = { title: next.title, description: next.description, type: next.type, owner: current.owner, order: next.order, duedate: next.duedate, archived: next.archived, done: next.done, stackId: next.stackId };
  return parse(card, jsonBody(await call(connection, "PUT", cardPath(boardId, next.stackId, current.id), `card ${current.id}`, body)), "a card");
}

export type CardAction = "assignLabel" | "removeLabel" | "assignUser" | "unassignUser";

export async function changeCard(connection: NextcloudConnection, boardId: number, stackId: number, cardId: number, action: CardAction, value: number | string): Promise<void> {
  const body = action === "assignLabel" || action === "removeLabel" ? { labelId: value } : { userId: value };
  await call(connection, "PUT", `${cardPath(boardId, stackId, cardId)}/${action}`, `card ${cardId}`, body);
}

export async function moveCard(connection: NextcloudConnection, boardId: number, stackId: number, cardId: number, target: { stackId: number; order: number }): Promise<void> {
  await call(connection, "PUT", `${cardPath(boardId, stackId, cardId)}/reorder`, `card ${cardId}`, target);
}

export async function deleteCard(connection: NextcloudConnection, boardId: number, stackId: number, cardId: number): Promise<void> {
  await call(connection, "DELETE", cardPath(boardId, stackId, cardId), `card ${cardId}`);
}

export async function listAttachments(connection: NextcloudConnection, boardId: number, stackId: number, cardId: number): Promise<DeckAttachment[]> {
  return parse(z.array(attachment), jsonBody(await call(connection, "GET", `${cardPath(boardId, stackId, cardId)}/attachments`, `the attachments of card ${cardId}`)), "an attachment list");
}

export async function listComments(connection: NextcloudConnection, cardId: number, options: { limit?: number; offset?: number } = {}): Promise<DeckComment[]> {
  const query = new URLSearchParams({ format: "json", limit: String(options.limit ?? 20), offset: String(options.offset ?? 0) });
  return parse(ocs(z.array(comment)), jsonBody(await call(connection, "GET", `${OCS}/cards/${id(cardId, "card")}/comments?${query}`, `the comments of card ${cardId}`)), "comments").ocs.data;
}

export async function addComment(connection: NextcloudConnection, cardId: number, message: string): Promise<DeckComment> {
  return parse(ocs(comment), jsonBody(await call(connection, "POST", `${OCS}/cards/${id(cardId, "card")}/comments?format=json`, `a comment on card ${cardId}`, { message })), "a comment").ocs.data;
}

export async function createLabel(connection: NextcloudConnection, boardId: number, fields: { title: string; color: string }): Promise<DeckLabel> {
  return parse(label, jsonBody(await call(connection, "POST", `${boardPath(boardId)}/labels`, `a new label on board ${boardId}`, fields)), "a label");
}

export async function updateLabel(connection: NextcloudConnection, boardId: number, labelId: number, fields: { title: string; color: string }): Promise<DeckLabel> {
  return parse(label, jsonBody(await call(connection, "PUT", `${boardPath(boardId)}/labels/${id(labelId, "label")}`, `label ${labelId} of board ${boardId}`, fields)), "a label");
}

export async function deleteLabel(connection: NextcloudConnection, boardId: number, labelId: number): Promise<void> {
  await call(connection, "DELETE", `${boardPath(boardId)}/labels/${id(labelId, "label")}`, `label ${labelId} of board ${boardId}`);
}

/**
 * Where a card is: Deck addresses cards by board and stack; the tools take
 * the board and card id and find the stack here. The stack list holds the
 * unarchived cards; an archived one is looked for stack by stack.
 */
export async function locateCard(connection: NextcloudConnection, boardId: number, cardId: number): Promise<{ stacks: DeckStack[]; card: DeckCard }> {
  const stacks = await listStacks(connection, boardId);
  for (const s of stacks) {
    const found = s.cards.find((c) => c.id === cardId);
    if (found) return { stacks, card: found };
  }
  for (const s of stacks) {
    try {
      return { stacks, card: await getCard(connection, boardId, s.id, cardId) };
    } catch (error) {
      if (!(error instanceof NextcloudRequestError && (error.status === 404 || error.status === 400))) throw error;
    }
  }
  throw new NextcloudRequestError("not_found", `Card ${cardId} is not on board ${boardId} (or you cannot see it).`, 404);
}
