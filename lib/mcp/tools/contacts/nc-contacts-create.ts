/** nc_contacts_create: a new vCard (If-None-Match: *), read back for its etag. */
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { getCard, putCard } from "@/lib/nextcloud/carddav/carddav-client";
import { buildContact, readContact } from "@/lib/nextcloud/carddav/vcard-contact";
import { invalid } from "@/lib/nextcloud/caldav/ical-time";
import { connectionOf } from "../calendar/calendar-shapes";
import { addressBookId, optionalContactFields, contactShape, describeContact, pickAddressBooks } from "./contact-shapes";

export const ncContactsCreate = defineNextcloudTool({
  name: "nc_contacts_create",
  title: "Create a contact",
  description: 'Creates a contact in one of your Nextcloud address books (default "contacts", else the first). Give name, or given_name/family_name; optional emails and phones ([{value, type: "home"|"work"|"cell"}]), organization, job_title, birthday (YYYY-MM-DD), note. Needs contacts.write (and contacts.read).',
  input: optionalContactFields.extend({
    address_book: addressBookId.optional(),
  }),
  output: contactShape,
  annotations: { title: "Create a contact", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ["contacts.read", "contacts.write"],
  async run({ address_book, ...fields }, context) {
    const connection = connectionOf(context);
    const books = await pickAddressBooks(connection, address_book);
    const book = books.includes("contacts") && !address_book ? "contacts" : books[0];
    if (!book) throw invalid("You have no address book to add the contact to.");
    const { uid, data } = buildContact(fields);
    const id = `${uid}.vcf`;
    await putCard(connection, book, id, data, { create: true });
    const contact = readContact(await getCard(connection, book, id), book);
    return { structured: contact, text: `Created ${describeContact(contact)}. Etag ${contact.etag}.` };
  },
});
