/**
 * nc_notes_search: notes whose title or content contains every word of the
 * query (case-insensitive), optionally in one category; title matches
 * first, then the most recently changed. Reads the list in chunks (Notes
 * API chunkSize/chunkCursor) with a ceiling, so a huge collection cannot
 * make one call unbounded.
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { listNotes, type ListedNote } from "@/lib/nextcloud/notes-client";
import { connectionOf, noteSummary } from "./note-shapes";

const CHUNK = 200;
const MAX_CHUNKS = 50;

function excerpt(content: string, terms: string[]): string {
  const lower = content.toLowerCase();
  const at = terms.length ? Math.max(0, Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0))) : 0;
  const start = Math.max(0, at - 60);
  const text = content.slice(start, start + 200).replace(/\s+/g, " ").trim();
  return `${start > 0 ? "…" : ""}${text}${start + 200 < content.length ? "…" : ""}`;
}

export const ncNotesSearch = defineNextcloudTool({
  name: "nc_notes_search",
  title: "Search notes",
  description: "Finds your Nextcloud notes whose title or content contains all words of the query (case-insensitive). Optional category filter and result limit. An empty query lists notes. Needs notes.read.",
  input: z.object({
    query: z.string().max(200).default("").describe("Words to look for in title and content; empty lists all notes."),
    category: z.string().max(200).optional().describe('Only notes in exactly this category ("" = notes without category).'),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  output: z.object({
    query: z.string(),
    category: z.string().nullable(),
    total_matches: z.number().int(),
    notes: z.array(noteSummary.extend({ excerpt: z.string() })),
  }),
  annotations: { title: "Search notes", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["notes.read"],
  async run(input, context) {
    const connection = connectionOf(context);
    const terms = input.query.toLowerCase().split(/\s+/).filter(Boolean);
    const all: ListedNote[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < MAX_CHUNKS; i++) {
      const page = await listNotes(connection, { category: input.category, chunkSize: CHUNK, chunkCursor: cursor });
      all.push(...page.notes);
      if (!page.chunkCursor) break;
      cursor = page.chunkCursor;
    }
    const scored = all
      .filter((n) => n.title !== undefined && n.content !== undefined)
      .map((n) => {
        const title = n.title!.toLowerCase();
        const content = n.content!.toLowerCase();
        const matches = terms.every((t) => title.includes(t) || content.includes(t));
        return { note: n, matches, inTitle: terms.filter((t) => title.includes(t)).length };
      })
      .filter((s) => s.matches)
      .sort((a, b) => b.inTitle - a.inTitle || (b.note.modified ?? 0) - (a.note.modified ?? 0));
    const notes = scored.slice(0, input.limit).map(({ note }) => ({
      id: note.id,
      title: note.title!,
      category: note.category ?? "",
      favorite: note.favorite ?? false,
      modified: new Date((note.modified ?? 0) * 1000).toISOString(),
      etag: note.etag ?? "",
      excerpt: excerpt(note.content!, terms),
    }));
    const what = input.query ? `matching "${input.query}"` : "";
    const where = input.category !== undefined ? ` in category "${input.category}"` : "";
    const header = `Found ${scored.length} note${scored.length === 1 ? "" : "s"} ${what}${where}`.replace(/\s+/g, " ").trim();
    const lines = notes.map((n) => `- #${n.id} "${n.title}"${n.category ? ` [${n.category}]` : ""}${n.favorite ? " ★" : ""}: ${n.excerpt}`);
    const more = scored.length > notes.length ? `\n(${scored.length - notes.length} more not shown; raise limit or refine the query.)` : "";
    return {
      structured: { query: input.query, category: input.category ?? null, total_matches: scored.length, notes },
      text: `${header}${notes.length ? ":" : "."}\n${lines.join("\n")}${more}`.trim(),
    };
  },
});
