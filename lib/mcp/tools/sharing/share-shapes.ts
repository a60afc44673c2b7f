/**
 * How shares look in tool results, shared by the nc_share_* tools: the
 * share type and permissions in words (Nextcloud's bitmask: 1 read,
 * 2 update, 4 create, 8 delete, 16 share), the expiry as a date, and the
 * public link's URL. A password is never echoed, only whether one is set.
 */
import { z } from "zod";
import { NextcloudRequestError } from "@/lib/nextcloud/nextcloud-request";
import { permissionNames, PERMISSION, SHARE_TYPES, type Share } from "@/lib/nextcloud/sharing-client";

export const shareId = z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, "a share id from nc_share_list").describe("The share's id (from nc_share_list).");
export const expiryDate = z.iso.date().describe("Last day the share works, YYYY-MM-DD.");

/** What a person means by "read" or "edit" on a file or folder, as Nextcloud's bitmask. */
export const ACCESS_LEVELS = ["read", "edit", "full"] as const;
export function permissionsFor(access: (typeof ACCESS_LEVELS)[number], itemIsFile: boolean | undefined): number {
  if (access === "read") return PERMISSION.read;
  const edit = itemIsFile ? PERMISSION.read | PERMISSION.update : PERMISSION.read | PERMISSION.update | PERMISSION.create | PERMISSION.delete;
  return access === "edit" ? edit : edit | PERMISSION.share;
}

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SHARE_TYPES).map(([name, n]) => [n, name]));

export const shareShape = z.object({
  id: z.string(),
  type: z.string().describe("user, group, link (public link), email, federated, team, talk"),
  path: z.string(),
  item_type: z.string(),
  owner: z.string(),
  shared_with: z.string().nullable(),
  shared_with_name: z.string().nullable(),
  permissions: z.array(z.string()),
  permissions_mask: z.number().int(),
  expires: z.string().nullable().describe("YYYY-MM-DD"),
  url: z.string().nullable().describe("The public link (link shares)."),
  password_protected: z.boolean(),
  note: z.string(),
  label: z.string(),
});

export function shareOf(s: Share): z.output<typeof shareShape> {
  const isLink = s.share_type === SHARE_TYPES.link;
  return {
    id: s.id,
    type: TYPE_NAMES[s.share_type] ?? String(s.share_type),
    path: s.path,
    item_type: s.item_type,
    owner: s.uid_owner,
    shared_with: isLink ? null : (s.share_with ?? null),
    shared_with_name: isLink ? null : (s.share_with_displayname ?? null),
    permissions: permissionNames(s.permissions),
    permissions_mask: s.permissions,
    expires: s.expiration ? s.expiration.slice(0, 10) : null,
    url: s.url ?? null,
    password_protected: isLink && Boolean(s.password || (s.share_with && s.share_with !== "")),
    note: s.note ?? "",
    label: s.label ?? "",
  };
}

export function shareLine(s: z.output<typeof shareShape>): string {
  const who = s.type === "link" ? `public link ${s.url ?? ""}${s.password_protected ? " (password)" : ""}` : `${s.type} ${s.shared_with}`;
  return `#${s.id} ${s.path} → ${who} [${s.permissions.join(", ")}]${s.expires ? ` until ${s.expires}` : ""}`;
}

export function futureDate(date: string | undefined): string | undefined {
  if (date !== undefined && date < new Date().toISOString().slice(0, 10)) throw new NextcloudRequestError("invalid", `The expiry date ${date} is in the past.`);
  return date;
}
