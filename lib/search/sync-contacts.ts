/**
 * The contacts source of the index: every card of every address book, as
 * its name (title) plus emails, phone numbers and organisation (body);
 * last changed = its REV (dav-last-modified.ts).
 * Change detection by address book getctag and card etag
 * (sync-dav-collections.ts).
 */
import { listAddressBooks, listCards } from "@/lib/nextcloud/carddav/carddav-client";
import { readContact } from "@/lib/nextcloud/carddav/vcard-contact";
import { contactLastModified } from "./dav-last-modified";
import type { SyncChanges, SyncInput } from "./sync-changes";
import { syncDavCollections, type DavSource } from "./sync-dav-collections";

const contactsSource: DavSource = {
  source: "contacts",
  async collections(input) {
    return (await listAddressBooks(input.connection)).map((b) => ({ id: b.id, ctag: b.ctag }));
  },
  async items(input, book) {
    return (await listCards(input.connection, book)).items;
  },
  document(item, book) {
    const contact = readContact(item, book);
    // "a@b.example" is one token to the full-text parser; spaced, its name and domain are found too.
    const body = [...contact.emails.map((e) => e.value.replace("@", " @ ")), ...contact.phones.map((p) => p.value), contact.organization, contact.job_title].filter(Boolean).join("\n");
    return { title: contact.name || contact.emails[0]?.value || "(unnamed contact)", body, lastModified: contactLastModified(item.data) };
  },
};

export const syncContacts = (input: SyncInput): Promise<SyncChanges> => syncDavCollections(contactsSource, input);
