/**
 * Nextcloud's OCS envelope (API v2), in JSON (`format=json` or an Accept of
 * application/json) or XML (Nextcloud's default), success and failure alike:
 *
 *   { "ocs": { "meta": { "status": "ok", "statuscode": 200, "message": "OK", ... }, "data": {...} } }
 *
 * In v2 the HTTP status follows the OCS status code, except Nextcloud's
 * special codes (997 not logged in / CSRF, 998 not found) which map to 401
 * and 404.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export type OcsFormat = "json" | "xml";

export function ocsFormat(url: URL, req: IncomingMessage): OcsFormat {
  const format = url.searchParams.get("format");
  if (format === "json") return "json";
  if (format === "xml") return "xml";
  return /application\/json/i.test(req.headers.accept ?? "") ? "json" : "xml";
}

const MESSAGES: Record<number, string> = { 200: "OK" };

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

function toXml(value: unknown, indent: string): string {
  if (value === null || value === undefined || value === false) return "";
  if (value === true) return "1";
  if (Array.isArray(value)) return value.map((v) => `\n${indent}<element>${toXml(v, indent + " ")}</element>`).join("") + `\n${indent.slice(1)}`;
  if (typeof value === "object") {
    return (
      Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `\n${indent}<${k}>${toXml(v, indent + " ")}</${k}>`)
        .join("") + `\n${indent.slice(1)}`
    );
  }
  return escapeXml(String(value));
}

export function sendOcs(
  res: ServerResponse,
  format: OcsFormat,
  options: { httpStatus: number; statuscode: number; message?: string; data?: unknown; headers?: Record<string, string> },
): void {
  const ok = options.statuscode === 100 || options.statuscode === 200;
  const meta = {
    status: ok ? "ok" : "failure",
    statuscode: options.statuscode,
    message: options.message ?? MESSAGES[options.statuscode] ?? "",
    totalitems: "",
    itemsperpage: "",
  };
  const envelope = { ocs: { meta, data: options.data ?? [] } };
  const body =
    format === "json" ? JSON.stringify(envelope) : `<?xml version="1.0"?>\n<ocs>${toXml(envelope.ocs, " ")}</ocs>\n`;
  res.writeHead(options.httpStatus, {
    "content-type": format === "json" ? "application/json; charset=utf-8" : "application/xml; charset=utf-8",
    "cache-control": "no-cache, no-store, must-revalidate",
    ...options.headers,
  });
  res.end(body);
}

/** The error renderer of OCS routes (see SandboxRoute.sendError). */
export function sendOcsError(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  error: { status: number; message: string; headers?: Record<string, string> },
): void {
  const statuscode = error.status === 401 ? 997 : error.status === 404 ? 998 : error.status;
  sendOcs(res, ocsFormat(url, req), { httpStatus: error.status, statuscode, message: error.message, headers: error.headers });
}
