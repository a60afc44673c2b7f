/**
 * Incremental sync of DAV collections (calendars, address books) into the
 * index, shared by sync-calendar.ts and sync-contacts.ts. Two levels of
 * change detection:
 *
 * - per collection, its getctag (CalendarServer extension; sabre/dav, which
 *   Nextcloud runs, and Radicale give a collection a new ctag whenever an
 *   item in it changes): a collection whose ctag equals the one stored in the
 *   cursor is not read at all, and its indexed items stay;
 * - per item, its etag (RFC 4918 §8.6): a changed collection is read with
 *   one REPORT (RFC 4791 §7.8 / RFC 6352 §8.6), and only items whose etag
 *   differs from the indexed one are parsed and rewritten.
 *
 * An indexed item that a read collection no longer holds, or whose
 * collection is gone, was deleted. Item ids are "<collection>/<file name>"
 * (what verify-hits.ts re-reads). A run cut short by the time box keeps
 * what it read, deletes nothing and keeps the previous cursor.
 */
import { z } from "zod";
import type { DavItem } from "@/lib/nextcloud/caldav/dav-store";
import { davItemId } from "./dav-item-id";
import { indexedEtags, type IndexedDocument } from "./index-store";
import type { SearchSource } from "./search-sources";
import type { SyncChanges, SyncInput } from "./sync-changes";

const cursorSchema = z.object({ ctags: z.record(z.string(), z.string()) });

export interface DavCollection {
  id: string;
  ctag: string | null;
}

export interface DavSource {
  source: SearchSource;
  collections(input: SyncInput): Promise<DavCollection[]>;
  items(input: SyncInput, collection: string): Promise<DavItem[]>;
  /** The indexed form of one item; null leaves it out (e.g. no event in it). */
  document(item: DavItem, collection: string): Omit<IndexedDocument, "itemId" | "etag"> | null;
}

function indexable(source: DavSource, item: DavItem, collection: string): IndexedDocument | null {
  try {
    const doc = source.document(item, collection);
    return doc && { ...doc, itemId: davItemId(collection, item.id), etag: item.etag };
  } catch {
    // An item that does not parse (UnreadableItemError, or ical.js failing on a broken value) is
    // left out, as the tools count it, rather than failing the whole source's sync on every run.
    return null;
  }
}

export async function syncDavCollections(source: DavSource, input: SyncInput): Promise<SyncChanges> {
  const stored = await indexedEtags(input.userId, source.source);
  const previous = cursorSchema.safeParse(input.cursor);
  const known = previous.success && stored.size > 0 ? previous.data.ctags : {};
  const ctags: Record<string, string> = {};
  const seen = new Set<string>();
  const upserts: IndexedDocument[] = [];
  const storedIn = (collection: string) => [...stored.keys()].filter((key) => key.startsWith(`${collection}/`));
  try {
    for (const collection of await source.collections(input)) {
      input.signal.throwIfAborted();
      if (collection.ctag !== null && known[collection.id] === collection.ctag) {
        for (const key of storedIn(collection.id)) seen.add(key);
        ctags[collection.id] = collection.ctag;
        continue;
      }
      for (const item of await source.items(input, collection.id)) {
        const id = davItemId(collection.id, item.id);
        if (stored.get(id) === item.etag) {
          seen.add(id);
          continue;
        }
        const doc = indexable(source, item, collection.id);
        if (!doc) continue; // not seen: a previously indexed version is removed
        seen.add(id);
        upserts.push(doc);
      }
      if (collection.ctag !== null) ctags[collection.id] = collection.ctag;
    }
  } catch (error) {
    if (!input.signal.aborted) throw error; // only the time box ending is a partial run
    return { upserts, deletes: [], items: seen.size, cursor: previous.success ? previous.data : null, partial: true };
  }
  const deletes = [...stored.keys()].filter((key) => !seen.has(key));
  return { upserts, deletes, items: seen.size, cursor: { ctags } };
}
