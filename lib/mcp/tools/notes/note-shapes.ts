/**
 * How notes look in tool results: the output schemas (structuredContent)
 * and the readable lines, shared by the nc_notes_* tools. `modified` is
 * given as an ISO date (the Notes app sends Unix seconds).
 */
import { z } from "zod";
import type { Note } from "@/lib/nextcloud/notes-client";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";
import type { NextcloudToolContext } from "@/lib/mcp/define-nextcloud-tool";

export const noteId = z.number().int().nonnegative().describe("The note's id (from nc_notes_search or nc_notes_create).");

export const noteSummary = z.object({
  id: z.number().int(),
  title: z.string(),
  category: z.string().describe('"" when the note has no category; "/" separates sub-categories.'),
  favorite: z.boolean(),
  modified: z.string().describe("Last change, ISO 8601."),
  etag: z.string().describe("Version tag: pass it to nc_notes_update to change the note only if nobody changed it meanwhile."),
});

export const noteFull = noteSummary.extend({ content: z.string(), readonly: z.boolean() });

export function summarize(note: Note): z.output<typeof noteSummary> {
  return { id: note.id, title: note.title, category: note.category, favorite: note.favorite, modified: new Date(note.modified * 1000).toISOString(), etag: note.etag };
}

export function full(note: Note): z.output<typeof noteFull> {
  return { ...summarize(note), content: note.content, readonly: note.readonly };
}

export function describeNote(note: Pick<Note, "id" | "title" | "category">): string {
  return `note #${note.id} "${note.title}"${note.category ? ` in ${note.category}` : ""}`;
}

export { connectionOf } from "@/lib/mcp/define-nextcloud-tool";
