/**
 * Incremental sync of the person's files into the index over WebDAV
 * (RFC 4918 PROPFIND, depth 1, folder by folder). Nextcloud gives a folder a
 * new getetag whenever anything below it changes (etag propagation), so a
 * folder whose etag equals the indexed one is skipped whole; a file whose
 * version (fileVersion: etag and size) is unchanged is not read again. Indexed: every file's and folder's
 * name and path, plus the text of text-like files (txt, md, csv, html),
 * read up to READ_CAP bytes. An indexed item under a folder that was listed
 * but is no longer there was deleted (with everything below it).
 *
 * Bounded per run (MAX_READS file reads, the job's time box): a folder whose
 * subtree was not finished does not get its etag stored, so the next run
 * descends into it again; a run cut short by the time box keeps what it read
 * and deletes nothing.
 */
import { bareEtag } from "@/lib/nextcloud/etag";
import { displayDavPath } from "@/lib/nextcloud/normalize-dav-path";
import { listDirectory, readFile, type DavEntry } from "@/lib/nextcloud/webdav-client";
import { indexedEtags, type IndexedDocument } from "./index-store";
import type { SyncChanges, SyncInput } from "./sync-changes";

/** Bytes read of one text file. */
export const READ_CAP = 256 * 1024;
const MAX_READS = 500;
const TEXT_EXTENSIONS = new Set(["txt", "md", "markdown", "csv", "html", "htm"]);

const folderId = (segments: readonly string[]) => `${displayDavPath(segments)}/`.replace(/^\/\/$/, "/");

export function isTextLike(name: string, contentType: string | null): boolean {
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  return (extension !== undefined && TEXT_EXTENSIONS.has(extension)) || /^text\/(plain|markdown|csv|html)$/i.test(contentType ?? "");
}

/** Visible text of an HTML page: scripts and styles dropped, tags removed, common entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * What a sync compares for a file: its etag and its size. Nextcloud derives a file's etag from its
 * modification time in whole seconds, so a rewrite within the same second keeps the etag
 * (lib/sandbox/webdav/nextcloud-file-system.ts, as measured); the size still tells most such rewrites
 * apart. Stored in the index's etag column; verify-hits.ts compares the same value.
 */
export function fileVersion(entry: Pick<DavEntry, "etag" | "size">): string | null {
  if (entry.etag === null) return null;
  return `${bareEtag(entry.etag)}#${entry.size ?? ""}`;
}

const lastModifiedOf = (entry: DavEntry) => (entry.lastModified && !Number.isNaN(Date.parse(entry.lastModified)) ? new Date(entry.lastModified) : null);

export async function syncFiles(input: SyncInput): Promise<SyncChanges> {
  const stored = await indexedEtags(input.userId, "files");
  const seen = new Set<string>();
  const listed = new Set<string>();
  const upserts: IndexedDocument[] = [];
  let reads = 0;
  let items = 0;

  /** Walks one folder; returns whether its whole subtree was indexed. */
  async function walk(segments: string[]): Promise<boolean> {
    input.signal.throwIfAborted();
    const { entries } = await listDirectory(input.connection, displayDavPath(segments));
    listed.add(folderId(segments));
    let complete = true;
    for (const entry of entries) {
      items++;
      const path = displayDavPath(entry.segments);
      if (entry.type === "directory") {
        const id = folderId(entry.segments);
        seen.add(id);
        if (entry.etag !== null && stored.get(id) === entry.etag) {
          for (const key of stored.keys()) if (key.startsWith(id)) seen.add(key);
          continue;
        }
        if (reads >= MAX_READS || !(await walk(entry.segments))) {
          complete = false;
          for (const key of stored.keys()) if (key.startsWith(id)) seen.add(key); // not finished: keep what is there
          continue;
        }
        upserts.push({ itemId: id, title: entry.name, body: path, etag: entry.etag, lastModified: lastModifiedOf(entry) });
        continue;
      }
      seen.add(path);
      const version = fileVersion(entry);
      if (version !== null && stored.get(path) === version) continue;
      let text = "";
      if (isTextLike(entry.name, entry.contentType)) {
        if (reads >= MAX_READS) {
          complete = false; // the next run reads it (the old row, if any, stays until then)
          continue;
        } else {
          reads++;
          const file = await readFile(input.connection, path, READ_CAP);
          const decoded = new TextDecoder("utf-8", { fatal: false }).decode(file.bytes);
          text = /\.html?$/i.test(entry.name) || /html/i.test(file.contentType ?? "") ? htmlText(decoded) : decoded;
        }
      }
      upserts.push({ itemId: path, title: entry.name, body: `${path}\n${text}`, etag: version, lastModified: lastModifiedOf(entry) });
    }
    return complete;
  }

  try {
    await walk([]);
  } catch (error) {
    if (!input.signal.aborted) throw error; // only the time box ending is a partial run
    // Folders whose walk did not finish were not given their etag, so the next run descends into them again.
    return { upserts, deletes: [], items, cursor: null, partial: true };
  }
  const gone = [...stored.keys()].filter((key) => !seen.has(key) && listed.has(parentId(key)));
  const goneFolders = gone.filter((key) => key.endsWith("/"));
  const deletes = [...new Set([...gone, ...[...stored.keys()].filter((key) => goneFolders.some((f) => key !== f && key.startsWith(f)))])];
  return { upserts, deletes, items, cursor: null };
}

/** The folder id holding an item id ("/a/b.md" → "/a/", "/a/c/" → "/a/"). */
function parentId(itemId: string): string {
  const trimmed = itemId.endsWith("/") ? itemId.slice(0, -1) : itemId;
  return trimmed.slice(0, trimmed.lastIndexOf("/") + 1) || "/";
}
