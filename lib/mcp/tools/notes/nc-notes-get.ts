/** nc_notes_get: one note with its full content and the etag for a safe update. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { getNote } from "@/lib/nextcloud/notes-client";
import { connectionOf, describeNote, full, noteFull, noteId } from "./note-shapes";

export const ncNotesGet = defineNextcloudTool({
  name: "nc_notes_get",
  title: "Read a note",
  description: "Reads one of your Nextcloud notes: title, category, favorite flag, last change, full content, and its etag (pass it to nc_notes_update for a safe update). Needs notes.read.",
  input: z.object({ id: noteId }),
  output: noteFull,
  annotations: { title: "Read a note", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["notes.read"],
  async run({ id }, context) {
    const note = await getNote(connectionOf(context), id);
    return {
      structured: full(note),
      text: `${describeNote(note)}${note.favorite ? " (favorite)" : ""}, last changed ${new Date(note.modified * 1000).toISOString()}, etag ${note.etag}:\n\n${note.content}`,
    };
  },
});
