/**
 * The sandbox's Deck data (nextcloud/deck docs/structure.md, docs/API.md):
 * boards (owned by a user, shared through ACL entries), stacks, cards,
 * labels (per board) and comments, in memory. Every change bumps the
 * entity's and its parents' `lastModified` and revision, so ETags change up
 * the chain as Deck's do ("changes of child elements propagate to their
 * parents"). Ids come from the sandbox's one counter.
 */
import { createHash } from "node:crypto";

export interface DeckAcl {
  /** The ACL entry's id (DELETE /boards/{b}/acl/{id} removes the participant from the board). */
  id: number;
  participant: string;
  permissionEdit: boolean;
  permissionShare: boolean;
  permissionManage: boolean;
}
export interface DeckLabel {
  id: number;
  boardId: number;
  title: string;
  color: string;
}
export interface DeckBoard {
  id: number;
  title: string;
  color: string;
  owner: string;
  archived: boolean;
  acl: DeckAcl[];
  labels: DeckLabel[];
  lastModified: number;
  revision: number;
}
export interface DeckStack {
  id: number;
  boardId: number;
  title: string;
  order: number;
  lastModified: number;
  revision: number;
}
export interface DeckComment {
  id: number;
  cardId: number;
  message: string;
  actorId: string;
  creationDateTime: string;
}
export interface DeckCard {
  id: number;
  stackId: number;
  title: string;
  description: string;
  type: string;
  owner: string;
  order: number;
  archived: boolean;
  duedate: string | null;
  done: string | null;
  labelIds: number[];
  assignedUsers: string[];
  createdAt: number;
  lastModified: number;
  revision: number;
}

export type DeckPermission = "read" | "edit" | "manage";

const DEFAULT_LABELS: [string, string][] = [
  ["Finished", "31CC7C"],
  ["To review", "317CCC"],
  ["Action needed", "FF7A66"],
  ["Later", "F1DB50"],
];

const now = () => Math.floor(Date.now() / 1000);
export const etagOf = (kind: string, id: number, revision: number) => createHash("md5").update(`${kind}:${id}:${revision}`).digest("hex");

export class DeckStore {
  readonly boards = new Map<number, DeckBoard>();
  readonly stacks = new Map<number, DeckStack>();
  readonly cards = new Map<number, DeckCard>();
  readonly comments: DeckComment[] = [];

  constructor(readonly allocateId: () => number) {}

  /** What `userId` may do on a board: Deck's PERMISSION_READ/EDIT/MANAGE (the owner may do everything). */
  can(userId: string, board: DeckBoard, permission: DeckPermission): boolean {
    if (board.owner === userId) return true;
    const acl = board.acl.find((a) => a.participant === userId);
    if (!acl) return false;
    return permission === "read" || (permission === "edit" ? acl.permissionEdit : acl.permissionManage);
  }

  boardsOf(userId: string): DeckBoard[] {
    return [...this.boards.values()].filter((b) => this.can(userId, b, "read")).sort((a, b) => a.id - b.id);
  }

  stacksOf(boardId: number): DeckStack[] {
    return [...this.stacks.values()].filter((s) => s.boardId === boardId).sort((a, b) => a.order - b.order || a.id - b.id);
  }

  cardsOf(stackId: number): DeckCard[] {
    return [...this.cards.values()].filter((c) => c.stackId === stackId).sort((a, b) => a.order - b.order || a.id - b.id);
  }

  boardOfStack(stackId: number): DeckBoard | undefined {
    const stack = this.stacks.get(stackId);
    return stack ? this.boards.get(stack.boardId) : undefined;
  }

  /** Marks a change: the entity and its parents get a new revision and lastModified. */
  touch(board: DeckBoard, stack?: DeckStack, card?: DeckCard): void {
    const t = now();
    for (const entity of [board, stack, card]) {
      if (!entity) continue;
      entity.revision++;
      entity.lastModified = t;
    }
  }

  createBoard(owner: string, title: string, color: string): DeckBoard {
    const id = this.allocateId();
    const labels = DEFAULT_LABELS.map(([t, c]) => ({ id: this.allocateId(), boardId: id, title: t, color: c }));
    const board: DeckBoard = { id, title, color, owner, archived: false, acl: [], labels, lastModified: now(), revision: 1 };
    this.boards.set(id, board);
    return board;
  }

  createStack(board: DeckBoard, title: string, order: number): DeckStack {
    const stack: DeckStack = { id: this.allocateId(), boardId: board.id, title, order, lastModified: now(), revision: 1 };
    this.stacks.set(stack.id, stack);
    this.touch(board);
    return stack;
  }

  createCard(board: DeckBoard, stack: DeckStack, owner: string, fields: { title: string; description?: string; type?: string; order?: number; duedate?: string | null }): DeckCard {
    const card: DeckCard = {
      id: this.allocateId(),
      stackId: stack.id,
      title: fields.title,
      description: fields.description ?? "",
      type: fields.type ?? "plain",
      owner,
      order: fields.order ?? 999,
      archived: false,
      duedate: fields.duedate ?? null,
      done: null,
      labelIds: [],
      assignedUsers: [],
      createdAt: now(),
      lastModified: now(),
      revision: 1,
    };
    this.cards.set(card.id, card);
    this.touch(board, stack);
    return card;
  }

  deleteStack(stack: DeckStack): void {
    for (const card of this.cardsOf(stack.id)) this.cards.delete(card.id);
    this.stacks.delete(stack.id);
  }

  addComment(card: DeckCard, actorId: string, message: string): DeckComment {
    const comment = { id: this.allocateId(), cardId: card.id, message, actorId, creationDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00") };
    this.comments.push(comment);
    return comment;
  }

  commentsOf(cardId: number): DeckComment[] {
    return this.comments.filter((c) => c.cardId === cardId).sort((a, b) => b.id - a.id);
  }
}
