/** nc_contacts_search: contacts whose name, email, phone or organisation matches. */
import { z } from "zod";
import { defineNextcloudTool } from "@/lib/mcp/define-nextcloud-tool";
import { listCards } from "@/lib/nextcloud/carddav/carddav-client";
import { contactMatches, readContact, type Contact } from "@/lib/nextcloud/carddav/vcard-contact";
import { connectionOf } from "../calendar/calendar-shapes";
import { addressBookId, contactShape, describeContact, pickAddressBooks } from "./contact-shapes";

export const ncContactsSearch = defineNextcloudTool({
  name: "nc_contacts_search",
  title: "Search contacts",
  description: 'Searches your Nextcloud contacts by name, email, phone number (digits compared, e.g. "5550123") or organisation, in every address book or one. An empty query lists them all (up to limit). Needs contacts.read.',
  input: z.object({
    query: z.string().max(200).default(""),
    address_book: addressBookId.optional(),
    limit: z.number().int().min(1).max(500).default(50),
    offset: z.number().int().min(0).max(100_000).default(0).describe("Skip this many results (paging: pass the previous offset + limit)."),
  }),
  output: z.object({ contacts: z.array(contactShape), total: z.number().int(), truncated: z.boolean(), unreadable: z.array(z.object({ address_book: z.string(), id: z.string() })) }),
  annotations: { title: "Search contacts", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scopes: ["contacts.read"],
  async run({ query, address_book, limit, offset }, context) {
    const connection = connectionOf(context);
    const found: Contact[] = [];
    const unreadable: { address_book: string; id: string }[] = [];
    for (const book of await pickAddressBooks(connection, address_book)) {
      for (const item of (await listCards(connection, book)).items) {
        try {
          const contact = readContact(item, book);
          if (contactMatches(contact, query)) found.push(contact);
        } catch {
          unreadable.push({ address_book: book, id: item.id });
        }
      }
    }
    found.sort((a, b) => a.name.localeCompare(b.name));
    const contacts = found.slice(offset, offset + limit);
    return {
      structured: { contacts, total: found.length, truncated: found.length > offset + contacts.length, unreadable },
      text: contacts.length ? `${found.length} contact(s):\n${contacts.map((c) => `- ${describeContact(c)}`).join("\n")}` : `No contact matches "${query}".`,
    };
  },
});
