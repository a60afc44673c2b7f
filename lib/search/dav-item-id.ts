/**
 * The index id of a calendar object or a vCard: "<collection>/<file name>"
 * (a calendar or address book id, then the item's name in it). Written by
 * sync-dav-collections.ts, read back by verify-hits.ts to re-fetch the item.
 */
export const davItemId = (collection: string, file: string) => `${collection}/${file}`;

/** The collection and file name of an index id, or undefined when it has no such form. */
export function splitDavItemId(itemId: string): { collection: string; file: string } | undefined {
  const slash = itemId.indexOf("/");
  if (slash <= 0 || slash === itemId.length - 1) return undefined;
  return { collection: itemId.slice(0, slash), file: itemId.slice(slash + 1) };
}
