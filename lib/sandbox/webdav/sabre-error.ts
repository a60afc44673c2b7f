/**
 * Errors as Nextcloud's WebDAV server (sabre/dav) writes them:
 *
 *   <d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns">
 *     <s:exception>Sabre\DAV\Exception\NotFound</s:exception>
 *     <s:message>…</s:message>
 *   </d:error>
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { escapeXmlText } from "@/lib/nextcloud/parse-xml";

const EXCEPTIONS: Record<number, string> = {
  400: "Sabre\\DAV\\Exception\\BadRequest",
  401: "Sabre\\DAV\\Exception\\NotAuthenticated",
  403: "Sabre\\DAV\\Exception\\Forbidden",
  404: "Sabre\\DAV\\Exception\\NotFound",
  405: "Sabre\\DAV\\Exception\\MethodNotAllowed",
  409: "Sabre\\DAV\\Exception\\Conflict",
  412: "Sabre\\DAV\\Exception\\PreconditionFailed",
  413: "OCA\\DAV\\Connector\\Sabre\\Exception\\EntityTooLarge",
  415: "Sabre\\DAV\\Exception\\UnsupportedMediaType",
  503: "Sabre\\DAV\\Exception\\ServiceUnavailable",
  507: "Sabre\\DAV\\Exception\\InsufficientStorage",
};

export function sendSabreError(_req: IncomingMessage, res: ServerResponse, _url: URL, error: { status: number; message: string; headers?: Record<string, string> }): void {
  const body = `<?xml version="1.0" encoding="utf-8"?>
<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns">
  <s:exception>${escapeXmlText(EXCEPTIONS[error.status] ?? "Sabre\\DAV\\Exception")}</s:exception>
  <s:message>${escapeXmlText(error.message)}</s:message>
</d:error>
`;
  res.writeHead(error.status, { "content-type": "application/xml; charset=utf-8", ...error.headers });
  res.end(body);
}
