/** nc_notes_create: a new note; the Notes app derives a title from the first line when none is given. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { createNote } from "@/lib/nextcloud/notes-client";
import { connectionOf, describeNote, full, noteFull } from "./note-shapes";

export const ncNotesCreate = defineNextcloudTool({
  name: "nc_notes_create",
  title: "Create a note",
  description: "Creates a note in your Nextcloud Notes. Without a title, the first line of the content becomes the title. Needs notes.write.",
  input: z.object({
    title: z.string().max(200).optional(),
    content: z.string().max(1_000_000).default(""),
    category: z.string().max(200).optional().describe('Category, "/" for sub-categories (e.g. "work/meetings").'),
    favorite: z.boolean().optional(),
  }),
  output: noteFull,
  annotations: { title: "Create a note", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["notes.write"],
  async run(input, context) {
    const note = await createNote(connectionOf(context), input);
    return { structured: full(note), text: `Created ${describeNote(note)} (${note.content.length} characters, etag ${note.etag}).` };
  },
});
