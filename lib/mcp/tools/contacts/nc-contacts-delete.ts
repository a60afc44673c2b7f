/** nc_contacts_delete: deletes a contact, guarded by its etag (If-Match). */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { currentEtagFor } from "@/lib/nextcloud/caldav/dav-store";
import { deleteCard, getCard } from "@/lib/nextcloud/carddav/carddav-client";
import { readContact } from "@/lib/nextcloud/carddav/vcard-contact";
import { connectionOf, etagInput } from "../calendar/calendar-shapes";
import { addressBookId, contactId } from "./contact-shapes";

export const ncContactsDelete = defineNextcloudTool({
  name: "nc_contacts_delete",
  title: "Delete a contact",
  description: "Deletes a contact by address book and id from nc_contacts_search. Pass etag to delete it only if nobody changed it since you read it. Needs contacts.write (and contacts.read).",
  input: z.object({ address_book: addressBookId, id: contactId, etag: etagInput }),
  output: z.object({ address_book: z.string(), id: z.string(), name: z.string(), deleted: z.literal(true) }),
  annotations: { title: "Delete a contact", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ["contacts.read", "contacts.write"],
  async run({ address_book, id, etag }, context) {
    const connection = connectionOf(context);
    const current = await getCard(connection, address_book, id);
    let name = "";
    try {
      name = readContact(current, address_book).name;
    } catch {
      // An unreadable card can still be deleted.
    }
    await deleteCard(connection, address_book, id, currentEtagFor(etag, current, "The contact"));
    return { structured: { address_book, id, name, deleted: true as const }, text: `Deleted contact ${name ? `"${name}" ` : ""}[${address_book}/${id}].` };
  },
});
