/**
 * Nextcloud Notes API v1 (apps/notes, docs/api/v1.md):
 *
 *   GET    /index.php/apps/notes/api/v1/notes[?category&exclude&pruneBefore&chunkSize&chunkCursor]
 *   GET    /index.php/apps/notes/api/v1/notes/{id}
 *   POST   /index.php/apps/notes/api/v1/notes            (not retried: it creates)
 *   PUT    /index.php/apps/notes/api/v1/notes/{id}       (If-Match: "<etag>" → 412 when stale)
 *   DELETE /index.php/apps/notes/api/v1/notes/{id}
 *
 * A note: id, etag, readonly, content, title, category ("" = none, "/"
 * separates sub-categories), favorite, modified (Unix seconds). A list may
 * leave attributes out (`exclude`) or send only the id of notes unchanged
 * since `pruneBefore`; chunked lists continue with X-Notes-Chunk-Cursor.
 * The API is `#[CORS]`: every request is sent as the "app" kind, which adds
 * `OCS-APIRequest: true` (nextcloud-api.ts) — without it a real Nextcloud 30+
 * answers every bearer request 401 "CORS requires basic auth".
 */
import { z } from "zod";
import { classifyRefusal } from "./classify-refusal";
import { bareEtag } from "./etag";
import { nextcloudErrorForStatus } from "./nextcloud-error-for-status";
import { NextcloudRequestError } from "./nextcloud-request";
import { jsonBody, sendNextcloudRequest, type NextcloudConnection } from "./send-nextcloud-request";

const NOTES_PATH = "/index.php/apps/notes/api/v1/notes";

const noteFields = {
  id: z.number().int(),
  etag: z.string(),
  readonly: z.boolean(),
  content: z.string(),
  title: z.string(),
  category: z.string(),
  favorite: z.boolean(),
  modified: z.number(),
};
const noteSchema = z.object({ ...noteFields, readonly: noteFields.readonly.default(false) });
export type Note = z.output<typeof noteSchema>;

/** A listed note: the id always, the rest unless excluded or pruned. */
const listedNoteSchema = z.object(noteFields).partial().extend({ id: z.number().int() });
export type ListedNote = z.output<typeof listedNoteSchema>;

export const NOTE_ATTRIBUTES = ["etag", "readonly", "content", "title", "category", "favorite", "modified"] as const;

export interface ListNotesOptions {
  category?: string;
  exclude?: readonly (typeof NOTE_ATTRIBUTES)[number][];
  /** Unix seconds: notes unchanged since then come back with their id only. */
  pruneBefore?: number;
  chunkSize?: number;
  chunkCursor?: string;
}

export interface NoteFields {
  title?: string;
  content?: string;
  category?: string;
  favorite?: boolean;
}

function parseNote(value: unknown): Note {
  const parsed = noteSchema.safeParse(value);
  if (!parsed.success) throw new NextcloudRequestError("unexpected", "Nextcloud's Notes app sent a note in an unexpected format.");
  return parsed.data;
}

function notePath(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new NextcloudRequestError("invalid", "A note id is a whole number.");
  return `${NOTES_PATH}/${id}`;
}

/** RFC 9110 §8.8.3: an entity tag is a quoted string; the Notes app's JSON carries it unquoted. */
export function quoteEtag(etag: string): string {
  const bare = bareEtag(etag);
  if (!/^[\x21\x23-\x7e]{1,200}$/.test(bare)) throw new NextcloudRequestError("invalid", "That etag is not valid.");
  return `"${bare}"`;
}

export async function listNotes(connection: NextcloudConnection, options: ListNotesOptions = {}): Promise<{ notes: ListedNote[]; chunkCursor: string | null }> {
  const query = new URLSearchParams();
  if (options.category !== undefined) query.set("category", options.category);
  if (options.exclude?.length) query.set("exclude", options.exclude.join(","));
  if (options.pruneBefore !== undefined) query.set("pruneBefore", String(Math.floor(options.pruneBefore)));
  if (options.chunkSize !== undefined) query.set("chunkSize", String(options.chunkSize));
  if (options.chunkCursor !== undefined) query.set("chunkCursor", options.chunkCursor);
  const qs = query.toString();
  const response = await sendNextcloudRequest(connection, { api: "app", method: "GET", path: `${NOTES_PATH}${qs ? `?${qs}` : ""}`, context: { subject: "The notes list" } });
  const parsed = z.array(listedNoteSchema).safeParse(jsonBody(response));
  if (!parsed.success) throw new NextcloudRequestError("unexpected", "Nextcloud's Notes app sent a list in an unexpected format.");
  return { notes: parsed.data, chunkCursor: response.headers.get("x-notes-chunk-cursor") || null };
}

export async function getNote(connection: NextcloudConnection, id: number): Promise<Note> {
  const response = await sendNextcloudRequest(connection, { api: "app", method: "GET", path: notePath(id), context: { subject: `Note ${id}` } });
  return parseNote(jsonBody(response));
}

export async function createNote(connection: NextcloudConnection, fields: NoteFields): Promise<Note> {
  const response = await sendNextcloudRequest(connection, {
    api: "app",
    method: "POST",
    path: NOTES_PATH,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fields),
    context: { subject: "The new note" },
  });
  return parseNote(jsonBody(response));
}

/**
 * Updates the given fields; with `etag`, only if the note is still at that
 * version. A stale etag is 412 with the current note as the body (measured
 * on Notes 5.0.2): the error then names the note's current etag, so the
 * caller can reapply its change without another read. A 412 without a note
 * (Nextcloud's CSRF refusal) is explained as such.
 */
export async function updateNote(connection: NextcloudConnection, id: number, fields: NoteFields, options: { etag?: string } = {}): Promise<Note> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.etag !== undefined) headers["if-match"] = quoteEtag(options.etag);
  const subject = `Note ${id}`;
  const response = await sendNextcloudRequest(connection, { api: "app", method: "PUT", path: notePath(id), headers, body: JSON.stringify(fields), context: { subject }, acceptStatuses: [412] });
  if (response.status !== 412) return parseNote(jsonBody(response));
  const text = new TextDecoder().decode(response.body);
  let current: Note | undefined;
  try {
    const parsed = noteSchema.safeParse(JSON.parse(text));
    current = parsed.success ? parsed.data : undefined;
  } catch {
    current = undefined;
  }
  if (!current) throw nextcloudErrorForStatus(412, { subject }, undefined, { refusal: classifyRefusal(412, text) });
  throw new NoteConflictError(id, current);
}

/** A stale etag: the note changed since it was read. `current` is the note as it is now. */
export class NoteConflictError extends NextcloudRequestError {
  constructor(
    id: number,
    readonly current: Note,
  ) {
    super(
      "conflict",
      `Note ${id} changed in Nextcloud since you read it (its etag no longer matches), so nothing was changed. It is now "${current.title}" with etag ${current.etag}; reapply your change to the current content and pass that etag.`,
      412,
    );
    this.name = "NoteConflictError";
  }
}

export async function deleteNote(connection: NextcloudConnection, id: number): Promise<void> {
  await sendNextcloudRequest(connection, { api: "app", method: "DELETE", path: notePath(id), context: { subject: `Note ${id}` } });
}
