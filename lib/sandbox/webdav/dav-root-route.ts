/**
 * The DAV root, /remote.php/dav/: PROPFIND tells the caller who they are
 * (current-user-principal, RFC 5397 §3) — how a client finds the {user}
 * segment of its files URL — and SEARCH (RFC 5323) searches the caller's
 * files (search-user-files.ts), which needs files.read; PROPFIND needs a
 * valid token only, so a files.write-only tool can find its files URL.
 */
import type { ServerResponse } from "node:http";
import { escapeXmlText } from "@/lib/nextcloud/parse-xml";
import type { SandboxRoute } from "../route-table";
import { BodyTooLargeError, readRequestBody } from "../read-request-body";
import { sendSabreError } from "./sabre-error";
import { SearchRequestError, searchUserFiles } from "./search-user-files";
import type { UserFileServers } from "./user-file-servers";

export const DAV_ROOT_PATH = "/remote.php/dav";

function sendMultistatus(res: ServerResponse, body: string): void {
  res.writeHead(207, { "content-type": "application/xml; charset=utf-8", dav: "1, 3, extended-mkcol" });
  res.end(body);
}

export function davRootRoute(servers: UserFileServers): SandboxRoute {
  return {
    name: "WebDAV root (current user, search)",
    path: DAV_ROOT_PATH,
    match: "prefix",
    api: "webdav",
    // Who the caller is (current-user-principal) is no file data: any valid token may ask, as in Nextcloud.
    scopes: { PROPFIND: [], SEARCH: ["files.read"] },
    sendError: sendSabreError,
    async handle({ req, res, url, subpath, user }) {
      const fail = (status: number, message: string) => sendSabreError(req, res, url, { status, message });
      if (subpath !== "" && subpath !== "/") return fail(404, "File not found");
      let body: string;
      try {
        body = (await readRequestBody(req, 1024 * 1024)).toString("utf8");
      } catch (error) {
        if (error instanceof BodyTooLargeError) return fail(413, "The request body is too large");
        throw error;
      }
      if (req.method === "SEARCH") {
        try {
          return sendMultistatus(res, await searchUserFiles(servers.get(user.id), user.id, body));
        } catch (error) {
          if (error instanceof SearchRequestError) return fail(error.status, error.message);
          throw error;
        }
      }
      const principal = `/remote.php/dav/principals/users/${encodeURIComponent(user.id)}/`;
      return sendMultistatus(
        res,
        `<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">
<d:response><d:href>/remote.php/dav/</d:href><d:propstat><d:prop>
<d:current-user-principal><d:href>${escapeXmlText(principal)}</d:href></d:current-user-principal><d:resourcetype><d:collection/></d:resourcetype>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
</d:multistatus>
`,
      );
    },
  };
}
