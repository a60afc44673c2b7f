/**
 * Deck's REST API (nextcloud/deck docs/API.md) under
 * /index.php/apps/deck/api/v1.0 — boards, ACL, stacks, cards (archive,
 * labels, assignees, reorder/move), labels and the attachment list — and its
 * OCS comments endpoint (/ocs/v2.php/apps/deck/api/v1.0/cards/{id}/comments).
 * The REST controllers are `#[CORS]` like Notes' (bearer requests need
 * `OCS-APIRequest: true`, nextcloud-request-rules.ts); deck.read for GET,
 * deck.write for the rest.
 *
 * Errors are Deck's: `{"status": 403, "message": "Permission denied"}` on a
 * board the user cannot see (or may not change), 404 for what does not
 * exist, 400 `{"status": 400, "message": …}` for a bad parameter such as a
 * stack id that is not a number or not on the board. GET of a board, a
 * stack list, a stack or a card sends an ETag and honours If-None-Match
 * (304); the board and stack lists honour If-Modified-Since.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ocsFormat, sendOcs, sendOcsError } from "../ocs-response";
import { BodyTooLargeError, readRequestBody } from "../read-request-body";
import type { SandboxRequest, SandboxRoute } from "../route-table";
import type { SandboxApps } from "../sandbox-apps";
import type { SandboxUsers } from "../sandbox-users";
import { etagOf, type DeckBoard, type DeckCard, type DeckComment, type DeckLabel, type DeckPermission, type DeckStack, type DeckStore } from "./deck-store";

export const DECK_API_PATH = "/index.php/apps/deck/api/v1.0";
export const DECK_OCS_PATH = "/ocs/v2.php/apps/deck/api/v1.0";

class DeckError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache, no-store, must-revalidate", ...headers });
  res.end(JSON.stringify(body));
}

function sendDeckError(_req: IncomingMessage, res: ServerResponse, _url: URL, error: { status: number; message: string; headers?: Record<string, string> }): void {
  sendJson(res, error.status, { status: error.status, message: error.message }, error.headers);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = (await readRequestBody(req, 256 * 1024)).toString("utf8");
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw new DeckError(413, "Request body too large");
    throw e;
  }
  if (text.trim() === "") return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new DeckError(400, "The request body is not valid JSON");
}

/** Deck's BadRequestException wording: "<name> must be provided" / "<name> must be a number". */
function field<T>(body: Record<string, unknown>, name: string, schema: z.ZodType<T>, required = false): T | undefined {
  const value = body[name];
  if (value === undefined) {
    if (required) throw new DeckError(400, `${name} must be provided`);
    return undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DeckError(400, `${name} is invalid`);
  return parsed.data;
}
const title = (max: number) => z.string().trim().min(1).max(max);
const color = z.string().regex(/^[0-9a-fA-F]{6}$/);
const intLike = z.union([z.number().int(), z.string().regex(/^\d{1,15}$/).transform(Number)]);
const dueDate = z.union([z.null(), z.string().refine((s) => !Number.isNaN(Date.parse(s)))]);

function idOf(segment: string, name: string): number {
  if (!/^\d{1,15}$/.test(segment)) throw new DeckError(400, `${name} must be a number`);
  return Number(segment);
}

export class DeckApi {
  constructor(
    private readonly store: DeckStore,
    private readonly users: SandboxUsers,
  ) {}

  participant(uid: string) {
    return { primaryKey: uid, uid, displayname: this.users.get(uid)?.displayName ?? uid, type: 0 };
  }

  label(l: DeckLabel, cardId: number | null = null) {
    return { id: l.id, title: l.title, color: l.color, boardId: l.boardId, cardId };
  }

  board(b: DeckBoard, userId: string) {
    return {
      id: b.id,
      title: b.title,
      owner: this.participant(b.owner),
      color: b.color,
      archived: b.archived,
      labels: b.labels.map((l) => this.label(l)),
      acl: b.acl.map((a) => ({ id: a.id, participant: this.participant(a.participant), type: 0, boardId: b.id, permissionEdit: a.permissionEdit, permissionShare: a.permissionShare, permissionManage: a.permissionManage, owner: false })),
      permissions: {
        PERMISSION_READ: true,
        PERMISSION_EDIT: this.store.can(userId, b, "edit"),
        PERMISSION_MANAGE: this.store.can(userId, b, "manage"),
        PERMISSION_SHARE: b.owner === userId || b.acl.some((a) => a.participant === userId && a.permissionShare),
      },
      users: [b.owner, ...b.acl.map((a) => a.participant)].map((u) => this.participant(u)),
      shared: b.owner === userId ? 0 : 1,
      deletedAt: 0,
      lastModified: b.lastModified,
      ETag: etagOf("board", b.id, b.revision),
      settings: { "notify-due": "off", calendar: true },
    };
  }

  card(c: DeckCard, board: DeckBoard) {
    const comments = this.store.commentsOf(c.id).length;
    return {
      id: c.id,
      title: c.title,
      description: c.description,
      stackId: c.stackId,
      type: c.type,
      lastModified: c.lastModified,
      createdAt: c.createdAt,
      labels: board.labels.filter((l) => c.labelIds.includes(l.id)).map((l) => this.label(l, c.id)),
      assignedUsers: c.assignedUsers.map((u, i) => ({ id: c.id * 100 + i, participant: this.participant(u), cardId: c.id, type: 0 })),
      attachments: null,
      attachmentCount: 0,
      owner: this.participant(c.owner),
      order: c.order,
      archived: c.archived,
      done: c.done,
      duedate: c.duedate,
      deletedAt: 0,
      commentsUnread: 0,
      commentsCount: comments,
      overdue: c.duedate && Date.parse(c.duedate) < Date.now() ? 3 : 0,
      ETag: etagOf("card", c.id, c.revision),
    };
  }

  stack(s: DeckStack, board: DeckBoard, withCards = true) {
    return {
      id: s.id,
      title: s.title,
      boardId: s.boardId,
      deletedAt: 0,
      lastModified: s.lastModified,
      order: s.order,
      ETag: etagOf("stack", s.id, s.revision),
      ...(withCards ? { cards: this.store.cardsOf(s.id).filter((c) => !c.archived).map((c) => this.card(c, board)) } : {}),
    };
  }

  comment(c: DeckComment) {
    return { id: c.id, objectId: c.cardId, message: c.message, actorId: c.actorId, actorType: "users", actorDisplayName: this.users.get(c.actorId)?.displayName ?? c.actorId, creationDateTime: c.creationDateTime, mentions: [] };
  }

  /** The board, if it exists and the user has `permission` on it (404 / 403 otherwise, as Deck's PermissionService). */
  boardFor(userId: string, boardId: number, permission: DeckPermission): DeckBoard {
    const board = this.store.boards.get(boardId);
    if (!board) throw new DeckError(404, "Board not found");
    if (!this.store.can(userId, board, permission)) throw new DeckError(403, "Permission denied");
    return board;
  }

  stackOn(board: DeckBoard, stackId: number): DeckStack {
    const stack = this.store.stacks.get(stackId);
    if (!stack || stack.boardId !== board.id) throw new DeckError(400, `stack ${stackId} is not a stack of board ${board.id}`);
    return stack;
  }

  cardIn(stack: DeckStack, cardId: number): DeckCard {
    const card = this.store.cards.get(cardId);
    if (!card || card.stackId !== stack.id) throw new DeckError(404, "Card not found");
    return card;
  }
}

/** RFC 9110 §13.1.2 If-None-Match and §13.1.3 If-Modified-Since, as Deck applies them. */
function notModified(req: IncomingMessage, res: ServerResponse, etag: string): boolean {
  const header = req.headers["if-none-match"];
  if (typeof header === "string" && header.split(",").some((t) => t.trim().replace(/^W\//, "").replace(/^"|"$/g, "") === etag)) {
    res.writeHead(304, { etag: `"${etag}"` });
    res.end();
    return true;
  }
  return false;
}
function modifiedSince(req: IncomingMessage): number {
  const header = req.headers["if-modified-since"];
  const at = typeof header === "string" ? Date.parse(header) : Number.NaN;
  return Number.isNaN(at) ? 0 : Math.floor(at / 1000);
}

async function handleRest(api: DeckApi, store: DeckStore, { req, res, subpath, user }: SandboxRequest): Promise<void> {
  const method = req.method ?? "GET";
  const parts = subpath.split("/").filter(Boolean);
  const uid = user.id;
  const json = (body: unknown, etag?: string) => sendJson(res, 200, body, etag ? { etag: `"${etag}"` } : {});
  if (parts[0] !== "boards") throw new DeckError(404, "Not found");

  if (parts.length === 1) {
    if (method === "GET") {
      const since = modifiedSince(req);
      const details = /^(1|true)$/.test(new URL(req.url ?? "/", "http://x").searchParams.get("details") ?? "");
      const boards = store.boardsOf(uid).filter((b) => b.lastModified > since);
      return json(boards.map((b) => ({ ...api.board(b, uid), ...(details ? { stacks: store.stacksOf(b.id).map((s) => api.stack(s, b, false)) } : {}) })));
    }
    if (method !== "POST") throw new DeckError(405, "Method not allowed");
    const body = await readJson(req);
    const board = store.createBoard(uid, field(body, "title", title(100), true)!, field(body, "color", color, true)!.toLowerCase());
    return json(api.board(board, uid));
  }

  const board = api.boardFor(uid, idOf(parts[1]!, "boardId"), method === "GET" ? "read" : "edit");
  if (parts.length === 2) {
    if (method === "GET") {
      const shaped = api.board(board, uid);
      return notModified(req, res, shaped.ETag) ? undefined : json(shaped, shaped.ETag);
    }
    if (method === "DELETE") {
      if (board.owner !== uid) throw new DeckError(403, "Permission denied");
      for (const s of store.stacksOf(board.id)) store.deleteStack(s);
      store.boards.delete(board.id);
      return json({ ...api.board(board, uid), deletedAt: Math.floor(Date.now() / 1000) });
    }
    if (method !== "PUT") throw new DeckError(405, "Method not allowed");
    if (!store.can(uid, board, "manage")) throw new DeckError(403, "Permission denied");
    const body = await readJson(req);
    board.title = field(body, "title", title(100), true)!;
    board.color = field(body, "color", color, true)!.toLowerCase();
    board.archived = field(body, "archived", z.boolean()) ?? board.archived;
    store.touch(board);
    return json(api.board(board, uid));
  }

  const section = parts[2];
  if (section === "acl" && parts.length === 3 && method === "POST") {
    if (board.owner !== uid) throw new DeckError(403, "Permission denied");
    const body = await readJson(req);
    const participant = field(body, "participant", z.string().min(1).max(64), true)!;
    if (field(body, "type", intLike) !== 0) throw new DeckError(400, "type must be 0 (user) in the sandbox");
    const acl = { id: board.acl.find((a) => a.participant === participant)?.id ?? store.allocateId(), participant, permissionEdit: field(body, "permissionEdit", z.boolean()) ?? false, permissionShare: field(body, "permissionShare", z.boolean()) ?? false, permissionManage: field(body, "permissionManage", z.boolean()) ?? false };
    board.acl = [...board.acl.filter((a) => a.participant !== participant), acl];
    store.touch(board);
    return json([api.board(board, uid).acl.at(-1)]);
  }
  // Deck's AclController::deleteAcl (DELETE /boards/{boardId}/acl/{aclId}): the participant loses the board at once.
  if (section === "acl" && parts.length === 4 && method === "DELETE") {
    if (board.owner !== uid && !store.can(uid, board, "manage")) throw new DeckError(403, "Permission denied");
    const aclId = idOf(parts[3]!, "aclId");
    const entry = board.acl.find((a) => a.id === aclId);
    if (!entry) throw new DeckError(404, "Acl not found");
    const shaped = api.board(board, uid).acl.find((a) => a.id === aclId);
    board.acl = board.acl.filter((a) => a.id !== aclId);
    for (const card of store.cards.values()) if (store.boardOfStack(card.stackId)?.id === board.id) card.assignedUsers = card.assignedUsers.filter((u) => u !== entry.participant);
    store.touch(board);
    return json(shaped);
  }

  if (section === "labels") {
    if (parts.length === 3) {
      if (method !== "POST") throw new DeckError(405, "Method not allowed");
      if (!store.can(uid, board, "manage")) throw new DeckError(403, "Permission denied");
      const body = await readJson(req);
      const label = { id: store.allocateId(), boardId: board.id, title: field(body, "title", title(100), true)!, color: field(body, "color", color, true)!.toUpperCase() };
      if (board.labels.some((l) => l.title.toLowerCase() === label.title.toLowerCase())) throw new DeckError(400, "A label with this title already exists");
      board.labels.push(label);
      store.touch(board);
      return json(api.label(label));
    }
    const labelId = idOf(parts[3]!, "labelId");
    const label = board.labels.find((l) => l.id === labelId);
    if (!label) throw new DeckError(404, "Label not found");
    if (method === "GET") return json(api.label(label));
    if (!store.can(uid, board, "manage")) throw new DeckError(403, "Permission denied");
    if (method === "DELETE") {
      board.labels = board.labels.filter((l) => l.id !== labelId);
      for (const card of store.cards.values()) card.labelIds = card.labelIds.filter((id) => id !== labelId);
      store.touch(board);
      return json(api.label(label));
    }
    if (method !== "PUT") throw new DeckError(405, "Method not allowed");
    const body = await readJson(req);
    label.title = field(body, "title", title(100), true)!;
    label.color = field(body, "color", color, true)!.toUpperCase();
    store.touch(board);
    return json(api.label(label));
  }

  if (section !== "stacks") throw new DeckError(404, "Not found");
  if (parts.length === 3) {
    if (method === "GET") {
      const since = modifiedSince(req);
      const stacks = store.stacksOf(board.id).filter((s) => s.lastModified > since);
      const etag = etagOf("stacks", board.id, board.revision);
      return notModified(req, res, etag) ? undefined : json(stacks.map((s) => api.stack(s, board)), etag);
    }
    if (method !== "POST") throw new DeckError(405, "Method not allowed");
    if (!store.can(uid, board, "manage")) throw new DeckError(403, "Permission denied");
    const body = await readJson(req);
    return json(api.stack(store.createStack(board, field(body, "title", title(100), true)!, field(body, "order", intLike) ?? 999), board));
  }
  const stack = api.stackOn(board, idOf(parts[3]!, "stackId"));
  if (parts.length === 4) {
    if (method === "GET") {
      const shaped = api.stack(stack, board);
      return notModified(req, res, shaped.ETag) ? undefined : json(shaped, shaped.ETag);
    }
    if (!store.can(uid, board, "manage")) throw new DeckError(403, "Permission denied");
    if (method === "DELETE") {
      store.deleteStack(stack);
      store.touch(board);
      return json({ ...api.stack(stack, board, false), deletedAt: Math.floor(Date.now() / 1000) });
    }
    if (method !== "PUT") throw new DeckError(405, "Method not allowed");
    const body = await readJson(req);
    stack.title = field(body, "title", title(100), true)!;
    stack.order = field(body, "order", intLike, true)!;
    store.touch(board, stack);
    return json(api.stack(stack, board));
  }
  if (parts[4] !== "cards") throw new DeckError(404, "Not found");
  if (parts.length === 5) {
    if (method !== "POST") throw new DeckError(405, "Method not allowed");
    const body = await readJson(req);
    const card = store.createCard(board, stack, uid, {
      title: field(body, "title", title(255), true)!,
      description: field(body, "description", z.string().max(100_000)),
      type: field(body, "type", z.string().max(20)),
      order: field(body, "order", intLike),
      duedate: field(body, "duedate", dueDate),
    });
    return json(api.card(card, board));
  }
  const cardNumber = idOf(parts[5]!, "cardId");
  const action = parts[6];
  // Deck's full card update takes the stack from the route: a card of another stack (or board the user may edit) moves here.
  if (parts.length === 6 && method === "PUT") {
    const card = store.cards.get(cardNumber);
    const from = card ? store.boardOfStack(card.stackId) : undefined;
    if (!card || !from) throw new DeckError(404, "Card not found");
    api.boardFor(uid, from.id, "edit");
    const body = await readJson(req);
    card.title = field(body, "title", title(255), true)!;
    card.type = field(body, "type", z.string().max(20), true)!;
    field(body, "owner", z.union([z.string(), z.object({ uid: z.string() })]), true);
    card.description = field(body, "description", z.string().max(100_000)) ?? card.description;
    card.order = field(body, "order", intLike) ?? card.order;
    card.duedate = body.duedate === undefined ? card.duedate : field(body, "duedate", dueDate)!;
    card.archived = field(body, "archived", z.boolean()) ?? card.archived;
    card.done = body.done === undefined ? card.done : field(body, "done", dueDate)!;
    if (card.stackId !== stack.id) {
      if (from.id !== board.id) card.labelIds = [];
      store.touch(from, store.stacks.get(card.stackId));
      card.stackId = stack.id;
    }
    store.touch(board, stack, card);
    return json(api.card(card, board));
  }
  const card = api.cardIn(stack, cardNumber);
  if (parts.length === 6) {
    if (method === "GET") {
      const shaped = api.card(card, board);
      return notModified(req, res, shaped.ETag) ? undefined : json(shaped, shaped.ETag);
    }
    if (method === "DELETE") {
      store.cards.delete(card.id);
      store.touch(board, stack);
      return json({ ...api.card(card, board), deletedAt: Math.floor(Date.now() / 1000) });
    }
    throw new DeckError(405, "Method not allowed");
  }
  if (action === "attachments" && method === "GET") return json([]);
  if (method !== "PUT" || parts.length !== 7) throw new DeckError(404, "Not found");
  const body = await readJson(req);
  switch (action) {
    case "archive":
    case "unarchive":
      card.archived = action === "archive";
      break;
    case "assignLabel":
    case "removeLabel": {
      const labelId = field(body, "labelId", intLike, true)!;
      if (!board.labels.some((l) => l.id === labelId)) throw new DeckError(400, `label ${labelId} is not a label of board ${board.id}`);
      card.labelIds = action === "assignLabel" ? [...new Set([...card.labelIds, labelId])] : card.labelIds.filter((id) => id !== labelId);
      break;
    }
    case "assignUser":
    case "unassignUser": {
      const userId = field(body, "userId", z.string().min(1).max(64), true)!;
      if (action === "assignUser") {
        if (card.assignedUsers.includes(userId)) throw new DeckError(400, "The user is already assigned to the card");
        if (board.owner !== userId && !board.acl.some((a) => a.participant === userId)) throw new DeckError(400, "The user is not part of the board");
        card.assignedUsers.push(userId);
      } else card.assignedUsers = card.assignedUsers.filter((u) => u !== userId);
      break;
    }
    case "reorder": {
      const order = field(body, "order", intLike, true)!;
      const target = api.stackOn(board, field(body, "stackId", intLike, true)!);
      card.order = order;
      if (target.id !== card.stackId) {
        card.stackId = target.id;
        store.touch(board, target);
      }
      break;
    }
    default:
      throw new DeckError(404, "Not found");
  }
  store.touch(board, stack, card);
  if (action === "assignUser") return json(api.card(card, board).assignedUsers.at(-1));
  return json(api.card(card, board));
}

export function deckRoutes(users: SandboxUsers, store: DeckStore, apps: SandboxApps): SandboxRoute[] {
  const api = new DeckApi(store, users);
  const guard = async (request: SandboxRequest, run: () => Promise<void>, sendError: SandboxRoute["sendError"]) => {
    if (!apps.isEnabled("deck")) return sendError(request.req, request.res, request.url, { status: 404, message: "App deck is not enabled" });
    try {
      await run();
    } catch (error) {
      if (!(error instanceof DeckError)) throw error;
      sendError(request.req, request.res, request.url, { status: error.status, message: error.message });
    }
  };
  const rest: SandboxRoute = {
    name: "Deck REST API v1.0",
    path: DECK_API_PATH,
    match: "prefix",
    // Deck's API controllers are #[CORS] like Notes': a bearer request needs OCS-APIRequest: true.
    api: "app",
    scopes: { GET: ["deck.read"], POST: ["deck.write"], PUT: ["deck.write"], DELETE: ["deck.write"] },
    sendError: sendDeckError,
    handle: (request) => guard(request, () => handleRest(api, store, request), sendDeckError),
  };
  const comments: SandboxRoute = {
    name: "Deck OCS comments",
    path: `${DECK_OCS_PATH}/cards`,
    match: "prefix",
    api: "ocs",
    scopes: { GET: ["deck.read"], POST: ["deck.write"] },
    sendError: sendOcsError,
    handle: (request) =>
      guard(
        request,
        async () => {
          const { req, res, url, subpath, user } = request;
          const match = /^\/(\d{1,15})\/comments\/?$/.exec(subpath);
          if (!match) throw new DeckError(404, "Not found");
          const card = store.cards.get(Number(match[1]));
          const board = card ? store.boardOfStack(card.stackId) : undefined;
          if (!card || !board) throw new DeckError(404, "Card not found");
          api.boardFor(user.id, board.id, req.method === "GET" ? "read" : "edit");
          const format = ocsFormat(url, req);
          if (req.method === "GET") {
            const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 20) || 20, 1), 200);
            const offset = Math.max(Number(url.searchParams.get("offset") ?? 0) || 0, 0);
            return sendOcs(res, format, { httpStatus: 200, statuscode: 200, data: store.commentsOf(card.id).slice(offset, offset + limit).map((c) => api.comment(c)) });
          }
          const body = await readJson(req);
          const message = field(body, "message", z.string().trim().min(1).max(1000), true)!;
          const comment = store.addComment(card, user.id, message);
          store.touch(board, store.stacks.get(card.stackId), card);
          sendOcs(res, format, { httpStatus: 200, statuscode: 200, data: api.comment(comment) });
        },
        sendOcsError,
      ),
  };
  return [rest, comments];
}
