/**
 * The Notes app's REST API v1 in the sandbox, under
 * /index.php/apps/notes/api/v1/notes — list (category, exclude,
 * pruneBefore, chunkSize/chunkCursor), get, create, update (If-Match →
 * 412 with the current note), delete; notes.read for GET, notes.write for
 * the rest (the front checks both before this runs). Errors are JSON with a
 * message, never a stack trace. Storage is per user: a note id of another
 * user is simply not found.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { SandboxRoute } from "../route-table";
import type { SandboxUsers } from "../sandbox-users";
import { BodyTooLargeError, readRequestBody } from "../read-request-body";
import type { NotesStore, StoredNote } from "./notes-store";

export const NOTES_API_PATH = "/index.php/apps/notes/api/v1/notes";
const MAX_BODY_BYTES = 2 * 1024 * 1024;
export const NOTE_NOT_FOUND = "OCA\\Notes\\Service\\NoteDoesNotExistException";
const ATTRIBUTES = ["id", "etag", "readonly", "content", "title", "category", "favorite", "modified"] as const;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache, no-store, must-revalidate", ...headers });
  res.end(JSON.stringify(body));
}

function sendNotesError(_req: IncomingMessage, res: ServerResponse, _url: URL, error: { status: number; message: string; headers?: Record<string, string> }): void {
  sendJson(res, error.status, { status: error.status, message: error.message }, error.headers);
}

const present = ({ revision: _revision, ...note }: StoredNote) => note;

const noteInput = z
  .object({
    title: z.string().max(1_000).optional(),
    content: z.string().optional(),
    category: z.string().max(1_000).optional(),
    favorite: z.boolean().optional(),
    modified: z.number().int().nonnegative().optional(),
  })
  .strip();

const cursorOf = (lastId: number) => Buffer.from(`id:${lastId}`).toString("base64url");
function afterCursor(cursor: string | null): number | null {
  if (!cursor) return 0;
  const match = /^id:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString());
  return match ? Number(match[1]) : null;
}

/** RFC 9110 §13.1.1: "*" or a list of entity tags; weak prefixes and quotes do not change the comparison here. */
function ifMatchSatisfied(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "").replace(/^"|"$/g, "") === etag);
}

export function notesRoute(users: SandboxUsers, store: NotesStore): SandboxRoute {
  users.addUsageProvider((userId) => store.usedBytes(userId));

  return {
    name: "Notes API v1",
    path: NOTES_API_PATH,
    match: "prefix",
    // Notes' controllers are #[CORS]: a bearer request needs OCS-APIRequest: true (nextcloud-request-rules.ts).
    api: "app",
    scopes: { GET: ["notes.read"], POST: ["notes.write"], PUT: ["notes.write"], DELETE: ["notes.write"] },
    sendError: sendNotesError,
    async handle({ req, res, url, subpath, user }) {
      const method = req.method ?? "GET";
      const error = (status: number, message: string, headers?: Record<string, string>) => sendNotesError(req, res, url, { status, message, headers });
      const idMatch = /^\/(\d{1,15})\/?$/.exec(subpath);
      const isCollection = subpath === "" || subpath === "/";
      // Notes 5 answers an unknown id with its exception's class name (measured on Notes 5.0.2).
      const noteNotFound = () => sendJson(res, 404, { errorType: NOTE_NOT_FOUND });
      if (!isCollection && !idMatch) return noteNotFound();

      let input: z.output<typeof noteInput> = {};
      if (method === "POST" || method === "PUT") {
        let raw: unknown;
        try {
          const body = (await readRequestBody(req, MAX_BODY_BYTES)).toString("utf8");
          raw = body.trim() === "" ? {} : JSON.parse(body);
        } catch (e) {
          if (e instanceof BodyTooLargeError) return error(413, "The note is too large");
          return error(400, "The request body is not valid JSON");
        }
        const parsed = noteInput.safeParse(raw);
        if (!parsed.success) return error(400, `Invalid note: ${parsed.error.issues.map((i) => i.path.join(".") || "body").join(", ")}`);
        input = parsed.data;
        const added = Buffer.byteLength(input.content ?? "");
        if (user.quotaBytes !== null && users.usedBytes(user.id) + added > user.quotaBytes) return error(507, "Insufficient storage");
      }

      if (isCollection) {
        if (method === "POST") {
          const note = store.create(user.id, input);
          return sendJson(res, 200, present(note), { etag: `"${note.etag}"` });
        }
        if (method !== "GET") return error(405, `${method} is not supported on the notes list`, { allow: "GET, POST" });
        const category = url.searchParams.get("category");
        const exclude = new Set((url.searchParams.get("exclude") ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "id"));
        const pruneBefore = Number(url.searchParams.get("pruneBefore") ?? 0) || 0;
        const chunkSize = Number(url.searchParams.get("chunkSize") ?? 0);
        const after = afterCursor(url.searchParams.get("chunkCursor"));
        if (!Number.isInteger(chunkSize) || chunkSize < 0 || after === null) return error(400, "Invalid chunkSize or chunkCursor");
        let notes = store.list(user.id).filter((n) => category === null || n.category === category);
        notes = notes.filter((n) => n.id > after);
        const pending = chunkSize > 0 ? Math.max(0, notes.length - chunkSize) : 0;
        if (chunkSize > 0) notes = notes.slice(0, chunkSize);
        const body = notes.map((n) => {
          if (n.modified < pruneBefore) return { id: n.id };
          const full = present(n);
          return Object.fromEntries(ATTRIBUTES.filter((a) => !exclude.has(a)).map((a) => [a, full[a]]));
        });
        const headers: Record<string, string> = {};
        if (pending > 0) {
          headers["x-notes-chunk-cursor"] = cursorOf(notes[notes.length - 1]!.id);
          headers["x-notes-chunk-pending"] = String(pending);
        }
        return sendJson(res, 200, body, headers);
      }

      const id = Number(idMatch![1]);
      const current = store.get(user.id, id);
      if (!current) return noteNotFound();
      if (method === "GET") return sendJson(res, 200, present(current), { etag: `"${current.etag}"` });
      const ifMatch = req.headers["if-match"];
      // RFC 9110 §13.1.1: a stale If-Match fails with 412; the Notes app sends the current note along.
      if (typeof ifMatch === "string" && !ifMatchSatisfied(ifMatch, current.etag)) return sendJson(res, 412, present(current), { etag: `"${current.etag}"` });
      if (method === "PUT") {
        if (current.readonly) return error(403, "The note is read-only");
        const note = store.update(user.id, id, input)!;
        return sendJson(res, 200, present(note), { etag: `"${note.etag}"` });
      }
      if (method === "DELETE") {
        store.delete(user.id, id);
        return sendJson(res, 200, []);
      }
      return error(405, `${method} is not supported on a note`, { allow: "GET, PUT, DELETE" });
    },
  };
}
