/**
 * The sandbox's Notes app data: per-user notes in memory, with the Notes
 * app's rules — numeric ids unique across the instance (they are file ids in
 * Nextcloud), a title derived from the first line of the content when none
 * is given, titles unique within a category ("Title (2)"), categories
 * normalised ("a/b", no leading or trailing slash), `modified` in Unix
 * seconds (bumped when the content changes), and an etag that changes on
 * every successful update.
 */
import { createHash } from "node:crypto";

export interface StoredNote {
  id: number;
  etag: string;
  readonly: boolean;
  content: string;
  title: string;
  category: string;
  favorite: boolean;
  modified: number;
  revision: number;
}

export interface NoteInput {
  title?: string;
  content?: string;
  category?: string;
  favorite?: boolean;
  modified?: number;
}

const MAX_TITLE = 100;

export function normalizeCategory(category: string): string {
  return category
    .split("/")
    .map((s) => s.trim())
    .filter(Boolean)
    .join("/");
}

/** The Notes app's title rule: a given title, else the content's first non-empty line, without Markdown heading marks and characters a file name cannot hold. */
export function deriveTitle(title: string | undefined, content: string): string {
  const source = title?.trim() || content.split("\n").find((line) => line.trim() !== "") || "";
  const cleaned = source
    .replace(/^#+\s*/, "")
    .replace(/[*|/\\:"<>?]/g, "")
    .trim()
    .slice(0, MAX_TITLE);
  return cleaned || "New note";
}

function etagOf(note: Omit<StoredNote, "etag">): string {
  return createHash("md5").update(JSON.stringify([note.id, note.revision, note.title, note.category, note.favorite, note.modified, note.content])).digest("hex");
}

export class NotesStore {
  private readonly byUser = new Map<string, Map<number, StoredNote>>();

  constructor(private readonly allocateId: () => number) {}

  private notesOf(userId: string): Map<number, StoredNote> {
    let notes = this.byUser.get(userId);
    if (!notes) {
      notes = new Map();
      this.byUser.set(userId, notes);
    }
    return notes;
  }

  list(userId: string): StoredNote[] {
    return [...this.notesOf(userId).values()].sort((a, b) => a.id - b.id);
  }

  get(userId: string, id: number): StoredNote | undefined {
    return this.notesOf(userId).get(id);
  }

  private uniqueTitle(userId: string, title: string, category: string, exceptId?: number): string {
    const taken = new Set(this.list(userId).filter((n) => n.category === category && n.id !== exceptId).map((n) => n.title.toLowerCase()));
    if (!taken.has(title.toLowerCase())) return title;
    for (let i = 2; ; i++) {
      const candidate = `${title} (${i})`;
      if (!taken.has(candidate.toLowerCase())) return candidate;
    }
  }

  create(userId: string, input: NoteInput): StoredNote {
    const content = input.content ?? "";
    const category = normalizeCategory(input.category ?? "");
    const base = {
      id: this.allocateId(),
      readonly: false,
      content,
      category,
      title: this.uniqueTitle(userId, deriveTitle(input.title, content), category),
      favorite: input.favorite ?? false,
      modified: input.modified ?? Math.floor(Date.now() / 1000),
      revision: 1,
    };
    const note: StoredNote = { ...base, etag: etagOf(base) };
    this.notesOf(userId).set(note.id, note);
    return note;
  }

  update(userId: string, id: number, input: NoteInput): StoredNote | undefined {
    const current = this.get(userId, id);
    if (!current) return undefined;
    const content = input.content ?? current.content;
    const category = input.category !== undefined ? normalizeCategory(input.category) : current.category;
    const titleChanged = input.title !== undefined || category !== current.category;
    const title = titleChanged ? this.uniqueTitle(userId, deriveTitle(input.title ?? current.title, content), category, id) : current.title;
    const contentChanged = content !== current.content;
    const base = {
      id,
      readonly: current.readonly,
      content,
      category,
      title,
      favorite: input.favorite ?? current.favorite,
      modified: input.modified ?? (contentChanged || titleChanged ? Math.floor(Date.now() / 1000) : current.modified),
      revision: current.revision + 1,
    };
    const note: StoredNote = { ...base, etag: etagOf(base) };
    this.notesOf(userId).set(id, note);
    return note;
  }

  delete(userId: string, id: number): boolean {
    return this.notesOf(userId).delete(id);
  }

  /** Bytes of note content a user stores (counts against the quota, like the .md files would). */
  usedBytes(userId: string): number {
    let total = 0;
    for (const note of this.byUser.get(userId)?.values() ?? []) total += Buffer.byteLength(note.content);
    return total;
  }
}
