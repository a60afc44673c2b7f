/**
 * Reads and checks the body of a POST to the MCP endpoint before any MCP code
 * sees it, so that every malformed request gets a precise answer and none a 500:
 * - larger than 1 MiB → 413, without reading past the limit (a declared
 *   Content-Length over the limit is refused without reading at all);
 * - not JSON → 400 with JSON-RPC -32700 Parse error (JSON-RPC 2.0 §5.1);
 * - not a JSON-RPC 2.0 message, an empty batch, or a batch of more than
 *   MAX_BATCH messages → 400 with -32600 Invalid Request. MCP 2025-06-18 removed
 *   batching; older protocol versions may still send small batches.
 */
import { parseJSONRPCMessage, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { JsonRpcCode, jsonRpcErrorResponse } from "@/lib/http/json-rpc-response";

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH = 10;

export type JsonRpcBody = { ok: true; messages: JSONRPCMessage[]; parsed: unknown } | { ok: false; response: Response };

async function readLimited(request: Request, limit: number): Promise<string | undefined> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return undefined;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJsonRpcBody(request: Request): Promise<JsonRpcBody> {
  let text: string | undefined;
  try {
    text = await readLimited(request, MAX_BODY_BYTES);
  } catch {
    return { ok: false, response: jsonRpcErrorResponse(400, JsonRpcCode.ParseError, "Parse error: the request body could not be read") };
  }
  if (text === undefined) {
    return { ok: false, response: jsonRpcErrorResponse(413, JsonRpcCode.ServerError, `Payload Too Large: the request body must not exceed ${MAX_BODY_BYTES} bytes`) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, response: jsonRpcErrorResponse(400, JsonRpcCode.ParseError, "Parse error: the body is not valid JSON") };
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  if (Array.isArray(parsed) && (parsed.length === 0 || parsed.length > MAX_BATCH)) {
    return { ok: false, response: jsonRpcErrorResponse(400, JsonRpcCode.InvalidRequest, `Invalid Request: a batch must hold 1 to ${MAX_BATCH} messages`) };
  }
  const messages: JSONRPCMessage[] = [];
  for (const item of items) {
    try {
      messages.push(parseJSONRPCMessage(item));
    } catch {
      return { ok: false, response: jsonRpcErrorResponse(400, JsonRpcCode.InvalidRequest, "Invalid Request: not a JSON-RPC 2.0 message") };
    }
  }
  return { ok: true, messages, parsed };
}
