/**
 * nc_notes_append: adds text at the end of a note. It reads the note and
 * writes it back with If-Match on the etag it read, so text that someone
 * added in between is never lost; on such a conflict it reads again and
 * retries (twice), since appending still means "at the end of what is there".
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { getNote, updateNote, type Note } from "@/lib/nextcloud/notes-client";
import { connectionOf, describeNote, full, noteFull, noteId } from "./note-shapes";

const ATTEMPTS = 3;

export const ncNotesAppend = defineNextcloudTool({
  name: "nc_notes_append",
  title: "Append to a note",
  description: "Adds text at the end of one of your notes, keeping everything already in it (safe against concurrent edits). Needs notes.read and notes.write.",
  input: z.object({
    id: noteId,
    text: z.string().min(1).max(1_000_000),
    separator: z.string().max(10).default("\n").describe("Put between the existing content and the new text (default: a line break)."),
  }),
  output: noteFull.extend({ appended_characters: z.number().int() }),
  annotations: { title: "Append to a note", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["notes.read", "notes.write"],
  async run({ id, text, separator }, context) {
    const connection = connectionOf(context);
    let updated: Note | undefined;
    for (let attempt = 1; !updated; attempt++) {
      const current = await getNote(connection, id);
      const content = current.content === "" ? text : `${current.content}${current.content.endsWith(separator) ? "" : separator}${text}`;
      try {
        updated = await updateNote(connection, id, { content }, { etag: current.etag });
      } catch (error) {
        if (!(error instanceof NextcloudRequestError && error.status === 412) || attempt >= ATTEMPTS) throw error;
      }
    }
    return {
      structured: { ...full(updated), appended_characters: text.length },
      text: `Appended ${text.length} characters to ${describeNote(updated)}; it now has ${updated.content.length} characters. New etag ${updated.etag}.`,
    };
  },
});
