/** What the nc_contacts_* tools share: ids, contact fields, output schema. */
import { z } from "zod";
import { listAddressBooks } from "@/lib/nextcloud/carddav/carddav-client";
import { invalid } from "@/lib/nextcloud/caldav/ical-time";
import type { Contact } from "@/lib/nextcloud/carddav/vcard-contact";
import type { NextcloudConnection } from "@/lib/nextcloud/send-nextcloud-request";

export const addressBookId = z.string().min(1).max(200).describe('An address book id from nc_contacts_list_address_books (e.g. "contacts").');
export const contactId = z.string().min(1).max(200).describe('The contact id from nc_contacts_search (e.g. "a1b2.vcf").');

const typed = z.object({ value: z.string(), type: z.string().nullable() });

export const contactShape = z.object({
  address_book: z.string(),
  id: z.string(),
  uid: z.string(),
  etag: z.string(),
  name: z.string(),
  given_name: z.string(),
  family_name: z.string(),
  emails: z.array(typed),
  phones: z.array(typed),
  organization: z.string(),
  job_title: z.string(),
  addresses: z.array(typed),
  birthday: z.string().nullable(),
  note: z.string(),
});

const typedInput = z.object({ value: z.string().min(1).max(320), type: z.string().regex(/^[A-Za-z-]{1,20}$/).optional().describe('e.g. "home", "work", "cell"') });

export const contactFields = {
  name: z.string().min(1).max(300).describe("Full name as shown (FN)."),
  given_name: z.string().max(200),
  family_name: z.string().max(200),
  emails: z.array(typedInput).max(20).describe("Replaces the email addresses."),
  phones: z.array(typedInput).max(20).describe("Replaces the phone numbers."),
  organization: z.string().max(300),
  job_title: z.string().max(300),
  birthday: z.string().max(10).describe('A date, "YYYY-MM-DD".'),
  note: z.string().max(10_000),
};

/** Every contact field, each optional: what create and update accept besides where the contact lives. */
export const optionalContactFields = z.object(contactFields).partial();

export function describeContact(c: Pick<Contact, "name" | "emails" | "phones" | "organization" | "address_book" | "id">): string {
  const details = [c.organization, ...c.emails.map((e) => e.value), ...c.phones.map((p) => p.value)].filter(Boolean).join(", ");
  return `${c.name}${details ? ` (${details})` : ""} [${c.address_book}/${c.id}]`;
}

/** The address book to use: the one named (must exist), or "contacts", or the first. */
export async function pickAddressBooks(connection: NextcloudConnection, book: string | undefined): Promise<string[]> {
  const books = await listAddressBooks(connection);
  if (book !== undefined) {
    if (!books.some((b) => b.id === book)) throw invalid(`There is no address book "${book.slice(0, 60)}". Yours: ${books.map((b) => b.id).join(", ") || "none"}.`);
    return [book];
  }
  return books.map((b) => b.id);
}
