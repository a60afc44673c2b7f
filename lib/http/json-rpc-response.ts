/**
 * HTTP-level failures of the MCP endpoint as JSON-RPC 2.0 error objects
 * (JSON-RPC 2.0 §5.1 codes; `id` null because the request could not be
 * attributed to one message), so MCP clients can show them.
 */

export const JsonRpcCode = {
  /** Invalid JSON was received. */
  ParseError: -32700,
  /** The JSON sent is not a valid Request object. */
  InvalidRequest: -32600,
  /** Invalid method parameter(s), e.g. a tool this request cannot call. */
  InvalidParams: -32602,
  /** Internal JSON-RPC error. */
  InternalError: -32603,
  /** Implementation-defined server error (transport and authorization problems). */
  ServerError: -32000,
} as const;

export function jsonRpcErrorResponse(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
  });
}

/** The JSON-RPC error answer to one identified request (JSON-RPC 2.0 §5: same `id`), HTTP 200 as a server's own answer. */
export function jsonRpcErrorFor(id: string | number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id }), {
    status: 200,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}
