/**
 * The OCS Share API of files_sharing (Nextcloud developer manual, "OCS Share
 * API") under /ocs/v2.php/apps/files_sharing/api/v1/shares, in the OCS
 * envelope: list (own shares, of one `path`, or `shared_with_me`), get,
 * create (shareType 0 user, 1 group, 3 public link), update (permissions,
 * password, expireDate, note, label, publicUpload), delete.
 *
 * Permissions are Nextcloud's bitmask: 1 read, 2 update, 4 create,
 * 8 delete, 16 share (31 all); a file cannot be shared with create or
 * delete. Errors are Nextcloud's OCS answers: 404 "Wrong path, file/folder
 * does not exist", 404 "Please specify a valid user", 404 "Wrong share ID,
 * share does not exist" (also for another user's share), 400 for bad
 * parameters. Paths are the owner's, checked against their sandbox files.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ocsFormat, sendOcs, sendOcsError } from "../ocs-response";
import { BodyTooLargeError, readRequestBody } from "../read-request-body";
import type { SandboxRequest, SandboxRoute } from "../route-table";
import type { SandboxApps } from "../sandbox-apps";
import type { SandboxUsers } from "../sandbox-users";
import type { UserFileServers } from "../webdav/user-file-servers";

export const SHARES_PATH = "/ocs/v2.php/apps/files_sharing/api/v1/shares";

export const SHARE_TYPE = { user: 0, group: 1, link: 3 } as const;
/** The sandbox's groups: every user is in "users" (sandbox-users.ts). */
const SANDBOX_GROUPS = new Set(["users", "admin"]);

interface StoredShare {
  id: number;
  shareType: number;
  owner: string;
  shareWith: string | null;
  path: string;
  itemType: "file" | "folder";
  fileId: number;
  permissions: number;
  expiration: string | null;
  token: string | null;
  password: string | null;
  note: string;
  label: string;
  stime: number;
}

class ShareError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MIME: Record<string, string> = { md: "text/markdown", txt: "text/plain", csv: "text/csv", pdf: "application/pdf", png: "image/png", jpg: "image/jpeg" };

/** Form or JSON bodies (Nextcloud accepts both); values as strings. */
async function readParams(req: SandboxRequest["req"], url: URL): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = (await readRequestBody(req, 64 * 1024)).toString("utf8");
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw new ShareError(413, "Request body too large");
    throw e;
  }
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (text.trim() === "") return params;
  if (/json/i.test(req.headers["content-type"] ?? "")) {
    try {
      const value = JSON.parse(text) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value)) return { ...params, ...(value as Record<string, unknown>) };
    } catch {
      // below
    }
    throw new ShareError(400, "The request body is not valid JSON");
  }
  return { ...params, ...Object.fromEntries(new URLSearchParams(text)) };
}

const intParam = z.union([z.number().int(), z.string().regex(/^-?\d{1,6}$/).transform(Number)]);
const boolParam = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
const dateParam = z.union([z.literal(""), z.string().regex(/^\d{4}-\d{2}-\d{2}/)]);

function param<T>(params: Record<string, unknown>, name: string, schema: z.ZodType<T>): T | undefined {
  if (params[name] === undefined || params[name] === null) return undefined;
  const parsed = schema.safeParse(params[name]);
  if (!parsed.success) throw new ShareError(400, `Invalid ${name}`);
  return parsed.data;
}

export function sharesRoute(users: SandboxUsers, files: UserFileServers, apps: SandboxApps, baseUrl: () => string): SandboxRoute {
  const shares = new Map<number, StoredShare>();
  let lastId = 0;

  const present = (s: StoredShare) => {
    const name = s.path.split("/").pop() ?? "";
    const ext = name.includes(".") ? name.split(".").pop()!.toLowerCase() : "";
    const display = (uid: string | null) => (uid ? (users.get(uid)?.displayName ?? uid) : null);
    return {
      id: String(s.id),
      share_type: s.shareType,
      uid_owner: s.owner,
      displayname_owner: display(s.owner),
      permissions: s.permissions,
      can_edit: true,
      can_delete: true,
      stime: s.stime,
      parent: null,
      expiration: s.expiration,
      token: s.token,
      uid_file_owner: s.owner,
      note: s.note,
      label: s.label,
      displayname_file_owner: display(s.owner),
      path: s.path,
      item_type: s.itemType,
      item_permissions: 31,
      mimetype: s.itemType === "folder" ? "httpd/unix-directory" : (MIME[ext] ?? "application/octet-stream"),
      has_preview: false,
      storage_id: `home::${s.owner}`,
      storage: 1,
      item_source: s.fileId,
      file_source: s.fileId,
      file_parent: 1,
      file_target: `/${name}`,
      share_with: s.shareType === SHARE_TYPE.link ? (s.password ? "***redacted***" : null) : s.shareWith,
      share_with_displayname: s.shareType === SHARE_TYPE.user ? display(s.shareWith) : s.shareWith,
      ...(s.shareType === SHARE_TYPE.link ? { url: `${baseUrl()}/s/${s.token}`, password: s.password ? "***redacted***" : undefined } : {}),
      mail_send: 0,
      hide_download: 0,
      attributes: null,
    };
  };

  const visible = (s: StoredShare, uid: string) => s.owner === uid;
  const sharedWith = (s: StoredShare, uid: string) =>
    (s.shareType === SHARE_TYPE.user && s.shareWith === uid) || (s.shareType === SHARE_TYPE.group && (users.get(uid)?.groups ?? []).includes(s.shareWith ?? ""));
  // A user or group share appears in the recipient's files (serve-user-files.ts mounts it in their root).
  files.setIncomingShares((uid) => [...shares.values()].filter((s) => s.shareType !== SHARE_TYPE.link && sharedWith(s, uid)).map((s) => ({ owner: s.owner, path: s.path, permissions: s.permissions })));
  /** Nextcloud propagates a share's arrival or removal to the recipient's root etag (their folder listing changed). */
  const touchRecipients = (s: StoredShare) => {
    if (s.shareType === SHARE_TYPE.user && s.shareWith) files.get(s.shareWith).fs.touch("/");
  };

  function validPermissions(permissions: number, itemType: "file" | "folder"): number {
    if (permissions < 1 || permissions > 31) throw new ShareError(400, "Invalid permissions");
    if ((permissions & 1) === 0) throw new ShareError(400, "Shares need at least read permissions");
    if (itemType === "file" && (permissions & (4 | 8)) !== 0) throw new ShareError(400, "File shares cannot have create or delete permissions");
    return permissions;
  }

  function expiration(value: string | undefined): string | null | undefined {
    if (value === undefined) return undefined;
    if (value === "") return null;
    const day = value.slice(0, 10);
    const at = Date.parse(`${day}T00:00:00Z`);
    if (Number.isNaN(at)) throw new ShareError(400, "Invalid date. Format must be YYYY-MM-DD");
    if (at < Date.parse(new Date().toISOString().slice(0, 10))) throw new ShareError(400, "Expiration date is in the past");
    return `${day} 00:00:00`;
  }

  async function handle({ req, res, url, subpath, user }: SandboxRequest): Promise<void> {
    const method = req.method ?? "GET";
    const format = ocsFormat(url, req);
    const ok = (data: unknown) => sendOcs(res, format, { httpStatus: 200, statuscode: 200, data });
    const idMatch = /^\/(\d{1,9})\/?$/.exec(subpath);
    const isCollection = subpath === "" || subpath === "/";
    if (!isCollection && !idMatch) throw new ShareError(404, "Wrong share ID, share does not exist");

    if (isCollection && method === "GET") {
      if (param(Object.fromEntries(url.searchParams), "shared_with_me", boolParam)) return ok([...shares.values()].filter((s) => sharedWith(s, user.id)).map(present));
      const path = url.searchParams.get("path");
      let own = [...shares.values()].filter((s) => visible(s, user.id));
      if (path !== null) {
        const normalized = `/${path.split("/").filter(Boolean).join("/")}`;
        if (!files.get(user.id).fs.describe(normalized)) throw new ShareError(404, "Wrong path, file/folder does not exist");
        const subfiles = param(Object.fromEntries(url.searchParams), "subfiles", boolParam);
        own = own.filter((s) => (subfiles ? s.path.startsWith(`${normalized}/`) && !s.path.slice(normalized.length + 1).includes("/") : s.path === normalized));
      }
      return ok(own.map(present));
    }

    if (isCollection && method === "POST") {
      const params = await readParams(req, url);
      const rawPath = param(params, "path", z.string().min(1).max(4096));
      if (!rawPath) throw new ShareError(404, "Please specify a file or folder path");
      const path = `/${rawPath.split("/").filter(Boolean).join("/")}`;
      const node = files.get(user.id).fs.describe(path);
      if (!node || path === "/") throw new ShareError(404, "Wrong path, file/folder does not exist");
      const itemType = node.isDirectory ? "folder" : "file";
      const shareType = param(params, "shareType", intParam);
      const share: StoredShare = {
        id: ++lastId,
        shareType: shareType ?? -1,
        owner: user.id,
        shareWith: null,
        path,
        itemType,
        fileId: node.fileId,
        permissions: 1,
        expiration: expiration(param(params, "expireDate", dateParam)) ?? null,
        token: null,
        password: null,
        note: param(params, "note", z.string().max(4000)) ?? "",
        label: param(params, "label", z.string().max(255)) ?? "",
        stime: Math.floor(Date.now() / 1000),
      };
      const permissions = param(params, "permissions", intParam);
      if (shareType === SHARE_TYPE.user || shareType === SHARE_TYPE.group) {
        const shareWith = param(params, "shareWith", z.string().min(1).max(64));
        if (shareType === SHARE_TYPE.user) {
          if (!shareWith || !users.get(shareWith)) throw new ShareError(404, "Please specify a valid user");
          if (shareWith === user.id) throw new ShareError(400, "Cannot share with yourself");
        } else if (!shareWith || !SANDBOX_GROUPS.has(shareWith)) throw new ShareError(404, "Please specify a valid group");
        if ([...shares.values()].some((s) => s.owner === user.id && s.path === path && s.shareType === shareType && s.shareWith === shareWith)) {
          throw new ShareError(403, `Sharing ${path.split("/").pop()} failed, because this item is already shared with ${shareWith}`);
        }
        share.shareWith = shareWith;
        // Nextcloud's default: all permissions a file or folder can have (a file: read, update, share = 19).
        share.permissions = validPermissions(permissions ?? (itemType === "file" ? 19 : 31), itemType);
      } else if (shareType === SHARE_TYPE.link) {
        const upload = param(params, "publicUpload", boolParam) ?? false;
        if (upload && itemType === "file") throw new ShareError(404, "Public upload is only possible for publicly shared folders");
        share.permissions = upload ? 15 : validPermissions(permissions ?? 1, itemType);
        share.token = randomBytes(8).toString("base64url").replace(/[-_]/g, "x").slice(0, 15);
        const password = param(params, "password", z.string().max(200));
        share.password = password ? "set" : null;
      } else throw new ShareError(400, "Unknown share type");
      shares.set(share.id, share);
      touchRecipients(share);
      return ok(present(share));
    }

    const share = shares.get(Number(idMatch?.[1]));
    // Another user's share does not exist for this user (Nextcloud answers the same).
    if (!share || (!visible(share, user.id) && !(method === "GET" && sharedWith(share, user.id)))) throw new ShareError(404, "Wrong share ID, share does not exist");
    if (method === "GET") return ok([present(share)]);
    if (method === "DELETE") {
      shares.delete(share.id);
      touchRecipients(share);
      return ok([]);
    }
    if (method !== "PUT") throw new ShareError(405, "Method not allowed");
    const params = await readParams(req, url);
    const permissions = param(params, "permissions", intParam);
    const upload = param(params, "publicUpload", boolParam);
    const password = param(params, "password", z.string().max(200));
    const expire = expiration(param(params, "expireDate", dateParam));
    const note = param(params, "note", z.string().max(4000));
    const label = param(params, "label", z.string().max(255));
    if ([permissions, upload, password, expire, note, label].every((v) => v === undefined)) throw new ShareError(400, "Wrong or no update parameter given");
    if (upload !== undefined) {
      if (share.shareType !== SHARE_TYPE.link || share.itemType !== "folder") throw new ShareError(400, "Public upload is only possible for publicly shared folders");
      share.permissions = upload ? 15 : 1;
    }
    if (permissions !== undefined) share.permissions = validPermissions(permissions, share.itemType);
    if (password !== undefined) {
      if (share.shareType !== SHARE_TYPE.link) throw new ShareError(400, "A password only protects public links");
      share.password = password === "" ? null : "set";
    }
    if (expire !== undefined) share.expiration = expire;
    if (note !== undefined) share.note = note;
    if (label !== undefined) share.label = label;
    return ok(present(share));
  }

  return {
    name: "OCS Share API",
    path: SHARES_PATH,
    match: "prefix",
    api: "ocs",
    scopes: { GET: ["files.share"], POST: ["files.share"], PUT: ["files.share"], DELETE: ["files.share"] },
    sendError: sendOcsError,
    async handle(request) {
      if (!apps.isEnabled("files_sharing")) return sendOcsError(request.req, request.res, request.url, { status: 404, message: "Invalid query, please check the syntax. API specifications are here: http://www.freedesktop.org/wiki/Specifications/open-collaboration-services." });
      try {
        await handle(request);
      } catch (error) {
        if (!(error instanceof ShareError)) throw error;
        sendOcsError(request.req, request.res, request.url, { status: error.status, message: error.message });
      }
    },
  };
}
