/**
 * CardDAV (RFC 6352) on Nextcloud's paths,
 * /remote.php/dav/addressbooks/users/{uid}/: the caller's address books
 * (PROPFIND Depth 1, §6.3.1), the cards of one (addressbook-query REPORT
 * with an empty filter = every card, §8.6), one card, and etag-guarded
 * writes (dav-store.ts).
 */
import { childNamed, DAV_NS } from "../parse-xml";
import { resolveDavUser } from "../resolve-dav-user";
import { sendNextcloudRequest, type NextcloudConnection } from "../send-nextcloud-request";
import { addressBookHomePath, addressBookPath, cardPath } from "../caldav/dav-names";
import { CALSERVER_NS, CARDDAV_NS, ctagOf, lastSegment, parseDavResponses, propKey } from "../caldav/dav-responses";
import { davContext, deleteItem, getItem, putItem, reportItems, type DavItem, type WritePrecondition } from "../caldav/dav-store";

export interface AddressBookInfo {
  id: string;
  name: string;
  /** getctag: changes whenever a card in the book does (null: the server sent none). */
  ctag: string | null;
}

const LIST_BODY = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="${CALSERVER_NS}"><d:prop><d:resourcetype/><d:displayname/><cs:getctag/></d:prop></d:propfind>`;

export async function listAddressBooks(connection: NextcloudConnection): Promise<AddressBookInfo[]> {
  const userId = await resolveDavUser(connection);
  const response = await sendNextcloudRequest(connection, { api: "webdav",
    method: "PROPFIND",
    path: addressBookHomePath(userId),
    headers: { depth: "1", "content-type": "application/xml; charset=utf-8" },
    body: LIST_BODY,
    context: davContext("Your address book home"),
  });
  return parseDavResponses(response)
    .filter((r) => childNamed(r.props.get(propKey(DAV_NS, "resourcetype")), CARDDAV_NS, "addressbook"))
    .map((r) => {
      const id = lastSegment(r.path);
      return { id, name: r.props.get(propKey(DAV_NS, "displayname"))?.text.trim() || id, ctag: ctagOf(r) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const QUERY_BODY = `<?xml version="1.0" encoding="utf-8"?>
<c:addressbook-query xmlns:d="DAV:" xmlns:c="${CARDDAV_NS}"><d:prop><d:getetag/><c:address-data/></d:prop><c:filter/></c:addressbook-query>`;

export async function listCards(connection: NextcloudConnection, book: string): Promise<{ items: DavItem[]; skipped: number }> {
  const userId = await resolveDavUser(connection);
  return reportItems(connection, { path: addressBookPath(userId, book), body: QUERY_BODY, dataProp: { ns: CARDDAV_NS, name: "address-data" }, subject: `Address book "${book}"` });
}

export async function getCard(connection: NextcloudConnection, book: string, id: string): Promise<DavItem> {
  const userId = await resolveDavUser(connection);
  return getItem(connection, cardPath(userId, book, id), id, `Contact "${id}" in address book "${book}"`);
}

export async function putCard(connection: NextcloudConnection, book: string, id: string, data: string, precondition: WritePrecondition): Promise<string | null> {
  const userId = await resolveDavUser(connection);
  return putItem(connection, cardPath(userId, book, id), data, "text/vcard; charset=utf-8", precondition, `Contact "${id}" in address book "${book}"`);
}

export async function deleteCard(connection: NextcloudConnection, book: string, id: string, etag: string): Promise<void> {
  const userId = await resolveDavUser(connection);
  await deleteItem(connection, cardPath(userId, book, id), etag, `Contact "${id}" in address book "${book}"`);
}
