/** nc_notes_delete: deletes one note and says which one it was. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { deleteNote, getNote } from "@/lib/nextcloud/notes-client";
import { connectionOf, describeNote, noteId, noteSummary, summarize } from "./note-shapes";

export const ncNotesDelete = defineNextcloudTool({
  name: "nc_notes_delete",
  title: "Delete a note",
  description: "Deletes one of your Nextcloud notes (Nextcloud may keep it in its trash bin). Needs notes.read and notes.write.",
  input: z.object({ id: noteId }),
  output: z.object({ deleted: noteSummary.extend({ characters: z.number().int() }) }),
  annotations: { title: "Delete a note", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["notes.read", "notes.write"],
  async run({ id }, context) {
    const connection = connectionOf(context);
    const note = await getNote(connection, id);
    await deleteNote(connection, id);
    return {
      structured: { deleted: { ...summarize(note), characters: note.content.length } },
      text: `Deleted ${describeNote(note)} (${note.content.length} characters, last changed ${new Date(note.modified * 1000).toISOString()}). Nextcloud may keep it in its trash bin.`,
    };
  },
});
