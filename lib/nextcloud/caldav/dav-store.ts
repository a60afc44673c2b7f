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
import { sendNextcloudRequest, type NextcloudConnection } from "../send-nextcloud-request";

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
