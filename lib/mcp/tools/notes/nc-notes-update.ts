/**
 * nc_notes_update: changes the given fields of a note. With `etag` the
 * change applies only if the note is still at that version (If-Match, RFC
 * 9110 §13.1.1): a stale etag is a conflict and nothing is overwritten.
 * The result says exactly which fields changed.
 */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { getNote, updateNote } from "@/lib/nextcloud/notes-client";
import { connectionOf, describeNote, full, noteFull, noteId } from "./note-shapes";

export const ncNotesUpdate = defineNextcloudTool({
  name: "nc_notes_update",
  title: "Update a note",
  description:
    "Changes the title, content, category or favorite flag of one of your notes (only the fields you give). Pass the etag from nc_notes_get to update only if nobody changed the note since; otherwise the update replaces what is there. Needs notes.write (and notes.read).",
  input: z.object({
    id: noteId,
    title: z.string().max(200).optional(),
    content: z.string().max(1_000_000).optional().describe("The whole new content (replaces the old one)."),
    category: z.string().max(200).optional(),
    favorite: z.boolean().optional(),
    etag: z.string().max(200).optional().describe("Only update if the note still has this etag."),
  }),
  output: noteFull.extend({ changed: z.array(z.enum(["title", "content", "category", "favorite"])), previous_etag: z.string() }),
  annotations: { title: "Update a note", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["notes.read", "notes.write"],
  async run({ id, etag, ...fields }, context) {
    const given = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (given.length === 0) throw new NextcloudRequestError("invalid", "Nothing to update: give a title, content, category or favorite.");
    const connection = connectionOf(context);
    const before = await getNote(connection, id);
    // Without an etag the user asked for a plain overwrite; with one, Nextcloud decides (412 on a stale etag).
    const after = await updateNote(connection, id, Object.fromEntries(given), { etag });
    const changed = (["title", "content", "category", "favorite"] as const).filter((k) => before[k] !== after[k]);
    const detail = changed
      .map((k) => (k === "content" ? `content (${before.content.length} → ${after.content.length} characters)` : `${k} (${JSON.stringify(before[k])} → ${JSON.stringify(after[k])})`))
      .join(", ");
    return {
      structured: { ...full(after), changed, previous_etag: before.etag },
      text: changed.length
        ? `Updated ${describeNote(after)}: changed ${detail}. New etag ${after.etag}.`
        : `Nothing changed in ${describeNote(after)}: the values were already the same. Etag ${after.etag}.`,
    };
  },
});
