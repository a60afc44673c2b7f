/**
 * Incremental sync of the Notes app into the index (Notes API v1,
 * apps/notes docs/api/v1.md): the list is read in chunks with `pruneBefore`
 * = the previous run's start, so notes unchanged since then come back as
 * their id only and are not re-read; a listed note whose etag equals the
 * indexed one is not rewritten; an indexed note missing from the list was
 * deleted. A pruned note the index does not hold (e.g. after the switch was
 * turned off and on) is fetched whole.
 */
import { z } from "zod";
import { getNote, listNotes, type ListedNote } from "@/lib/nextcloud/notes-client";
import { indexedEtags, type IndexedDocument } from "./index-store";
import type { SyncChanges, SyncInput } from "./sync-changes";

const CHUNK_SIZE = 200;
/** Clock skew allowance between this server and Nextcloud for pruneBefore. */
const PRUNE_MARGIN_S = 120;

const cursorSchema = z.object({ pruneBefore: z.number().int().nonnegative() });

function document(note: Required<Pick<ListedNote, "id" | "title" | "content" | "category" | "etag" | "modified">>): IndexedDocument {
  const category = note.category ? `${note.category}\n` : "";
  return { itemId: String(note.id), title: note.title, body: `${category}${note.content}`, etag: note.etag, lastModified: new Date(note.modified * 1000) };
}

const isFull = (n: ListedNote): n is ListedNote & Required<Pick<ListedNote, "title" | "content" | "category" | "etag" | "modified">> =>
  n.title !== undefined && n.content !== undefined && n.category !== undefined && n.etag !== undefined && n.modified !== undefined;

export async function syncNotes(input: SyncInput): Promise<SyncChanges> {
  const startedAt = Math.floor(Date.now() / 1000);
  const stored = await indexedEtags(input.userId, "notes");
  const previous = cursorSchema.safeParse(input.cursor);
  const pruneBefore = previous.success && stored.size > 0 ? previous.data.pruneBefore : undefined;
  const seen = new Set<string>();
  const upserts: IndexedDocument[] = [];
  let chunkCursor: string | undefined;
  try {
    do {
      input.signal.throwIfAborted();
      const page = await listNotes(input.connection, { pruneBefore, chunkSize: CHUNK_SIZE, chunkCursor });
      for (const note of page.notes) {
        const id = String(note.id);
        seen.add(id);
        if (isFull(note)) {
          if (stored.get(id) !== note.etag) upserts.push(document(note));
        } else if (!stored.has(id)) {
          upserts.push(document(await getNote(input.connection, note.id)));
        }
      }
      chunkCursor = page.chunkCursor ?? undefined;
    } while (chunkCursor);
  } catch (error) {
    if (!input.signal.aborted) throw error; // only the time box ending is a partial run
    return { upserts, deletes: [], items: seen.size, cursor: previous.success ? previous.data : null, partial: true };
  }
  const deletes = [...stored.keys()].filter((id) => !seen.has(id));
  return { upserts, deletes, items: seen.size, cursor: { pruneBefore: Math.max(0, startedAt - PRUNE_MARGIN_S) } };
}
