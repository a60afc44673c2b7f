/**
 * Items (calendar objects, vCards) in a Nextcloud DAV collection, read and
 * written with etags: a new item is PUT with `If-None-Match: *` and a
 * change or a delete with `If-Match: <etag>` (RFC 4918 §10.4, RFC 9110
 * §13.1.1-2, RFC 4791 §5.3.2), so a change someone made in between is
 * reported as a conflict (412) and never overwritten. Shared by the CalDAV
 * and CardDAV clients.
 */
import type { StatusContext } from "../nextcloud-error-for-status";
import { NextcloudRequestError } from "../nextcloud-request";
import { DAV_NS } from "../parse-xml";
import { sendNextcloudRequest, type NextcloudConnection } from "../send-nextcloud-request";
import { lastSegment, parseDavResponses, propKey } from "./dav-responses";

export interface DavItem {
  /** The item's file name in its collection, e.g. "a1b2.ics". */
  id: string;
  etag: string;
  data: string;
}

export type WritePrecondition = { create: true } | { etag: string };

export function davContext(subject: string): StatusContext {
  return {
    subject,
    overrides: {
      412: { failure: "conflict", message: `${subject} changed in Nextcloud since it was read (or already exists), so nothing was changed. Read it again, then reapply your change.` },
      // sabre's NotImplemented; the sandbox answers so when Radicale is missing.
      501: { failure: "unavailable", message: "Nextcloud's calendar and contacts service is not available here (HTTP 501). On the sandbox, install Radicale: apt-get install -y --no-install-recommends radicale." },
    },
  };
}

/**
 * A REPORT on a collection (calendar-query, RFC 4791 §7.8; addressbook-query,
 * RFC 6352 §8.6) that asks for each item's etag and data in `dataProp`: the
 * items, and how many answers held no data or no etag (counted, not fatal).
 */
export async function reportItems(
  connection: NextcloudConnection,
  input: { path: string; body: string; dataProp: { ns: string; name: string }; subject: string },
): Promise<{ items: DavItem[]; skipped: number }> {
  const response = await sendNextcloudRequest(connection, {
    api: "webdav",
    method: "REPORT",
    path: input.path,
    headers: { depth: "1", "content-type": "application/xml; charset=utf-8" },
    body: input.body,
    context: davContext(input.subject),
    maxResponseBytes: 16 * 1024 * 1024,
  });
  const items: DavItem[] = [];
  let skipped = 0;
  for (const r of parseDavResponses(response)) {
    const data = r.props.get(propKey(input.dataProp.ns, input.dataProp.name))?.text;
    const etag = r.props.get(propKey(DAV_NS, "getetag"))?.text.trim();
    if (!data || !etag) {
      skipped++;
      continue;
    }
    items.push({ id: lastSegment(r.path), etag, data });
  }
  return { items, skipped };
}

export async function getItem(connection: NextcloudConnection, path: string, id: string, subject: string): Promise<DavItem> {
  const response = await sendNextcloudRequest(connection, { api: "webdav", method: "GET", path, context: davContext(subject), maxResponseBytes: 2 * 1024 * 1024 });
  const etag = response.headers.get("etag");
  if (!etag) throw new NextcloudRequestError("unexpected", `Nextcloud sent ${subject} without an etag.`);
  return { id, etag, data: new TextDecoder().decode(response.body) };
}

/** Writes an item; returns its new etag (null when Nextcloud did not send one: read it again for the etag). */
export async function putItem(connection: NextcloudConnection, path: string, data: string, contentType: string, precondition: WritePrecondition, subject: string): Promise<string | null> {
  const condition: Record<string, string> = "create" in precondition ? { "if-none-match": "*" } : { "if-match": precondition.etag };
  const response = await sendNextcloudRequest(connection, { api: "webdav",
    method: "PUT",
    path,
    headers: { "content-type": contentType, ...condition },
    body: data,
    context: davContext(subject),
  });
  return response.headers.get("etag");
}

export async function deleteItem(connection: NextcloudConnection, path: string, etag: string, subject: string): Promise<void> {
  await sendNextcloudRequest(connection, { api: "webdav", method: "DELETE", path, headers: { "if-match": etag }, context: davContext(subject) });
}

function bareEtag(etag: string): string {
  return etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

/**
 * The etag a change must carry: the current one, after checking that the
 * caller's (if given, quoted or not) is still it. A stale one is a conflict
 * before anything is sent (the write itself then also carries If-Match).
 */
export function currentEtagFor(given: string | undefined, current: DavItem, what: string): string {
  if (given !== undefined && bareEtag(given) !== bareEtag(current.etag)) {
    throw new NextcloudRequestError("conflict", `${what} changed in Nextcloud since you read it (etag ${given} is now ${current.etag}), so nothing was changed. Read it again, then reapply your change.`, 412);
  }
  return current.etag;
}
