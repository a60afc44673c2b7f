/** nc_contacts_update: changes the given fields of a contact, keeping the rest of the vCard; If-Match guarded. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { currentEtagFor } from "@/lib/nextcloud/caldav/dav-store";
import { getCard, putCard } from "@/lib/nextcloud/carddav/carddav-client";
import { readContact, updateContact } from "@/lib/nextcloud/carddav/vcard-contact";
import { invalid } from "@/lib/nextcloud/caldav/ical-time";
import { connectionOf, etagInput } from "../calendar/calendar-shapes";
import { addressBookId, optionalContactFields, contactId, contactShape, describeContact } from "./contact-shapes";

export const ncContactsUpdate = defineNextcloudTool({
  name: "nc_contacts_update",
  title: "Update a contact",
  description: 'Changes only the fields you give of a contact (address book and id from nc_contacts_search); emails and phones replace the lists; "" removes a text field. Pass etag to change it only if nobody changed it since you read it. Needs contacts.write (and contacts.read).',
  input: optionalContactFields.extend({
    address_book: addressBookId,
    id: contactId,
    etag: etagInput,
  }),
  output: contactShape.extend({ previous_etag: z.string() }),
  annotations: { title: "Update a contact", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ["contacts.read", "contacts.write"],
  async run({ address_book, id, etag, ...fields }, context) {
    if (Object.values(fields).every((v) => v === undefined)) throw invalid("Nothing to change: give at least one field.");
    const connection = connectionOf(context);
    const current = await getCard(connection, address_book, id);
    currentEtagFor(etag, current, "The contact");
    await putCard(connection, address_book, id, updateContact(current.data, id, fields), { etag: current.etag });
    const contact = readContact(await getCard(connection, address_book, id), address_book);
    return { structured: { ...contact, previous_etag: current.etag }, text: `Updated ${describeContact(contact)}. New etag ${contact.etag}.` };
  },
});
