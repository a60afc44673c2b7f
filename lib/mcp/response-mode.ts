/**
 * Streamable HTTP lets the server answer a POST with either one JSON body or an
 * SSE stream (MCP 2025-11-25 transports §"Sending Messages to the Server").
 * Clients list both in Accept; this server then prefers JSON (its tools send
 * no progress notifications, and one JSON body is cheaper). A client that
 * accepts only one of them gets that one; accepting neither is 406.
 */

export type ResponseMode = "json" | "sse";

interface MediaRange {
  type: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(",").map((part) => {
    const [type, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    return { type: (type ?? "").trim().toLowerCase(), q: Number.isFinite(weight) ? weight : 0 };
  });
}

export function chooseResponseMode(accept: string | null): ResponseMode | undefined {
  // No Accept header means "anything" (RFC 9110 §12.5.1).
  if (accept === null || accept.trim() === "") return "json";
  const ranges = parseAccept(accept).filter((r) => r.q > 0);
  const accepts = (type: string) => ranges.some((r) => r.type === type || r.type === "*/*" || r.type === `${type.split("/")[0]}/*`);
  if (accepts("application/json")) return "json";
  if (accepts("text/event-stream")) return "sse";
  return undefined;
}
