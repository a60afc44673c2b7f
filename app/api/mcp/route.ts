/**
 * The MCP endpoint: Streamable HTTP, stateless, Flow 1 authentication.
 * The whole pipeline lives in lib/mcp/handle-mcp-request.ts.
 */
import { handleMcpMethodNotAllowed, handleMcpPost, handleMcpPreflight } from "@/lib/mcp/handle-mcp-request";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleMcpPost(request);
}

export function GET(request: Request): Response {
  return handleMcpMethodNotAllowed(request);
}

export function DELETE(request: Request): Response {
  return handleMcpMethodNotAllowed(request);
}

export function OPTIONS(request: Request): Response {
  return handleMcpPreflight(request);
}
