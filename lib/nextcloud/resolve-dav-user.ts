/**
 * The user segment of /remote.php/dav/files/{user}/: Nextcloud's user id,
 * which is not necessarily the token's `sub` (user_oidc may hash it, or map
 * it by a claim). WebDAV says who the caller is with one PROPFIND of
 * `current-user-principal` (RFC 5397 §3) on the DAV root, which needs no
 * scope beyond the files one the tool already holds — the OCS user endpoint
 * would need account.read. The answer is cached per token subject for a
 * minute, in a bounded map, so a tool call costs one request, not two.
 */
import { createHash } from "node:crypto";
import { decodeJwt } from "jose";
import { nextcloudBaseUrl } from "./nextcloud-base-url";
import { NextcloudRequestError } from "./nextcloud-request";
import { childNamed, DAV_NS, parseXml } from "./parse-xml";
import { sendNextcloudRequest, type NextcloudConnection } from "./send-nextcloud-request";

const TTL_MS = 60_000;
const MAX_ENTRIES = 1_000;
const cache = new Map<string, { userId: string; expiresAt: number }>();

const PRINCIPAL_BODY = `<?xml version="1.0" encoding="UTF-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>`;

function cacheKey(connection: NextcloudConnection): string {
  let subject: string;
  try {
    const claims = decodeJwt(connection.token.accessToken);
    subject = `${String(claims.iss)}\n${String(claims.sub)}`;
  } catch {
    // An opaque token: key by its hash (never the token itself).
    subject = createHash("sha256").update(connection.token.accessToken).digest("base64url");
  }
  return `${connection.baseUrl ?? nextcloudBaseUrl()}\n${subject}`;
}

/** Extracts {user} from a principal href such as /remote.php/dav/principals/users/{user}/. */
export function userIdFromPrincipal(href: string): string | undefined {
  let segments: string[];
  try {
    segments = new URL(href, "http://nextcloud.invalid").pathname.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const i = segments.lastIndexOf("users");
  const id = i > 0 && segments[i - 1] === "principals" && i === segments.length - 2 ? segments[i + 1] : undefined;
  return id && id !== "." && id !== ".." ? id : undefined;
}

export async function resolveDavUser(connection: NextcloudConnection): Promise<string> {
  const key = cacheKey(connection);
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.userId;

  const response = await sendNextcloudRequest(connection, {
    api: "webdav",
    method: "PROPFIND",
    path: "/remote.php/dav/",
    headers: { depth: "0", "content-type": "application/xml; charset=utf-8" },
    body: PRINCIPAL_BODY,
    context: { subject: "Your WebDAV account" },
  });
  let href: string | undefined;
  try {
    const root = parseXml(new TextDecoder().decode(response.body));
    for (const r of root.children) {
      for (const propstat of r.children.filter((c) => c.ns === DAV_NS && c.local === "propstat")) {
        const principal = childNamed(childNamed(propstat, DAV_NS, "prop"), DAV_NS, "current-user-principal");
        href ??= childNamed(principal, DAV_NS, "href")?.text.trim();
      }
    }
  } catch {
    href = undefined;
  }
  const userId = href ? userIdFromPrincipal(href) : undefined;
  if (!userId) throw new NextcloudRequestError("unexpected", "Nextcloud did not say which WebDAV user you are (no current-user-principal).");
  if (cache.size >= MAX_ENTRIES) {
    for (const [k, v] of cache) if (v.expiresAt <= now || cache.size >= MAX_ENTRIES) cache.delete(k);
  }
  cache.set(key, { userId, expiresAt: now + TTL_MS });
  return userId;
}
