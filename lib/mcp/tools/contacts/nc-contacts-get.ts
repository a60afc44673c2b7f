/** nc_contacts_get: one contact with its etag. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { getCard } from "@/lib/nextcloud/carddav/carddav-client";
import { readContact } from "@/lib/nextcloud/carddav/vcard-contact";
import { connectionOf } from "../calendar/calendar-shapes";
import { addressBookId, contactId, contactShape, describeContact } from "./contact-shapes";

export const ncContactsGet = defineNextcloudTool({
  name: "nc_contacts_get",
  title: "Read a contact",
  description: "Reads one contact by address book and id (from nc_contacts_search): names, emails, phones, organisation, addresses, birthday, note, and the etag for a safe update. Needs contacts.read.",
  input: z.object({ address_book: addressBookId, id: contactId }),
  output: contactShape,
  annotations: { title: "Read a contact", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["contacts.read"],
  async run({ address_book, id }, context) {
    const contact = readContact(await getCard(connectionOf(context), address_book, id), address_book);
    return { structured: contact, text: `${describeContact(contact)}, etag ${contact.etag}${contact.note ? `\n${contact.note}` : ""}` };
  },
});
