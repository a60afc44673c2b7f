/**
 * The OCS Share API of Nextcloud's files_sharing app (developer manual,
 * "OCS Share API"): /ocs/v2.php/apps/files_sharing/api/v1/shares.
 *
 *   GET    /shares?path=&subfiles=   shares of a path (or all own shares)
 *   GET    /shares?shared_with_me=true
 *   POST   /shares                   path, shareType (0 user, 1 group, 3 public link), shareWith,
 *                                    permissions (bitmask), password, expireDate (YYYY-MM-DD), publicUpload, note, label
 *   PUT    /shares/{id}              permissions, password, expireDate, note, label, publicUpload
 *   DELETE /shares/{id}
 *
 * Permissions: 1 read, 2 update, 4 create, 8 delete, 16 share (31 all);
 * a file takes only read, update and share. Answers are OCS envelopes
 * (JSON via Accept / format=json); the HTTP status follows the OCS status.
 */
import { z } from "zod";
import { displayDavPath, normalizeDavPath } from "./normalize-dav-path";
import { NextcloudRequestError } from "./nextcloud-request";
import { jsonBody, sendNextcloudRequest, type NextcloudConnection } from "./send-nextcloud-request";

const SHARES = "/ocs/v2.php/apps/files_sharing/api/v1/shares";

export const PERMISSION = { read: 1, update: 2, create: 4, delete: 8, share: 16 } as const;
export const SHARE_TYPES = { user: 0, group: 1, link: 3, email: 4, federated: 6, team: 7, talk: 10 } as const;

const share = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  share_type: z.number().int(),
  uid_owner: z.string(),
  permissions: z.number().int(),
  path: z.string(),
  item_type: z.string(),
  share_with: z.string().nullish(),
  share_with_displayname: z.string().nullish(),
  expiration: z.string().nullish(),
  token: z.string().nullish(),
  url: z.string().nullish(),
  note: z.string().nullish(),
  label: z.string().nullish(),
  password: z.string().nullish(),
  stime: z.number().optional(),
});
export type Share = z.output<typeof share>;

const envelope = z.object({ ocs: z.object({ data: z.unknown() }) });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(envelope.safeParse(value).data?.ocs.data);
  if (!parsed.success) throw new NextcloudRequestError("unexpected", "Nextcloud's sharing API sent an answer in an unexpected format.");
  return parsed.data;
}

/** A path in the user's files, as the Share API takes it ("/Documents/a.md"). */
function sharePath(path: string): string {
  const segments = normalizeDavPath(path);
  if (segments.length === 0) throw new NextcloudRequestError("invalid", "Your whole home folder cannot be shared; name a file or folder in it.");
  return displayDavPath(segments);
}

function shareId(id: string): string {
  if (!/^[A-Za-z0-9:_-]{1,64}$/.test(id)) throw new NextcloudRequestError("invalid", "That is not a share id.");
  return encodeURIComponent(id);
}

function context(subject: string) {
  return {
    subject,
    overrides: {
      404: { failure: "not_found" as const, message: `${subject} does not exist in Nextcloud, or the person or group to share with does not (HTTP 404).` },
      403: { failure: "forbidden" as const, message: `Nextcloud refused to share ${subject} (HTTP 403): sharing it this way is not allowed here, or it is already shared like that.` },
      400: { failure: "invalid" as const, message: `Nextcloud rejected the sharing request for ${subject} (HTTP 400): a value is not allowed (e.g. create/delete permissions on a file, or an expiry date in the past).` },
    },
  };
}

async function call(connection: NextcloudConnection, method: string, path: string, subject: string, body?: Record<string, unknown>) {
  return sendNextcloudRequest(connection, {
    api: "ocs",
    method,
    path,
    headers: body ? { "content-type": "application/json" } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    context: context(subject),
  });
}

export async function listShares(connection: NextcloudConnection, options: { path?: string; subfiles?: boolean; sharedWithMe?: boolean } = {}): Promise<Share[]> {
  const query = new URLSearchParams({ format: "json" });
  if (options.sharedWithMe) query.set("shared_with_me", "true");
  else if (options.path !== undefined) {
    query.set("path", sharePath(options.path));
    if (options.subfiles) query.set("subfiles", "true");
  }
  const subject = options.sharedWithMe ? "The files shared with you" : options.path ? sharePath(options.path) : "Your shares";
  return parse(z.array(share), jsonBody(await call(connection, "GET", `${SHARES}?${query}`, subject)));
}

export interface NewShare {
  path: string;
  shareType: number;
  shareWith?: string;
  permissions?: number;
  password?: string;
  /** YYYY-MM-DD */
  expireDate?: string;
  publicUpload?: boolean;
  note?: string;
  label?: string;
}

export async function createShare(connection: NextcloudConnection, input: NewShare): Promise<Share> {
  const path = sharePath(input.path);
  const body = Object.fromEntries(Object.entries({ ...input, path }).filter(([, v]) => v !== undefined));
  return parse(share, jsonBody(await call(connection, "POST", `${SHARES}?format=json`, path, body)));
}

export interface ShareChanges {
  permissions?: number;
  /** "" removes the password. */
  password?: string;
  /** YYYY-MM-DD, or "" to remove the expiry. */
  expireDate?: string;
  note?: string;
  label?: string;
  publicUpload?: boolean;
}

export async function updateShare(connection: NextcloudConnection, id: string, changes: ShareChanges): Promise<Share> {
  return parse(share, jsonBody(await call(connection, "PUT", `${SHARES}/${shareId(id)}?format=json`, `Share ${id}`, { ...changes })));
}

export async function getShare(connection: NextcloudConnection, id: string): Promise<Share> {
  const shares = parse(z.array(share), jsonBody(await call(connection, "GET", `${SHARES}/${shareId(id)}?format=json`, `Share ${id}`)));
  if (!shares[0]) throw new NextcloudRequestError("not_found", `Share ${id} does not exist in Nextcloud (HTTP 404).`, 404);
  return shares[0];
}

export async function deleteShare(connection: NextcloudConnection, id: string): Promise<void> {
  await call(connection, "DELETE", `${SHARES}/${shareId(id)}?format=json`, `Share ${id}`);
}

/** The permissions bitmask in words, e.g. ["read", "update", "share"]. */
export function permissionNames(mask: number): string[] {
  return Object.entries(PERMISSION)
    .filter(([, bit]) => (mask & bit) !== 0)
    .map(([name]) => name);
}
