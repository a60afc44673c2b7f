/**
 * The MCP endpoint (Streamable HTTP, stateless), as an ordered list of checks
 * that is the same for both protocol eras; each failure is answered precisely
 * and nothing reaches MCP code unchecked:
 *  1. Host and Origin (DNS-rebinding protection) → 403
 *  2. the access token (Flow 1) → 400 / 401 / 503
 *  3. Content-Type application/json → 415; Accept → 406
 *  4. body size and JSON-RPC shape → 413 / 400
 *  5. tool scopes → 403 insufficient_scope (step-up)
 *  6. one dispatch on the protocol era (does the request carry the 2026-07-28
 *     `_meta` envelope claim? `claimsModernEnvelope`, else the MCP TypeScript
 *     SDK v2's `isLegacyRequest`), then a fresh McpServer for this request with
 *     the verified identity as `authInfo`:
 *     - 2026-07-28 ("modern"): the SDK's `createMcpHandler` entry, which validates the envelope, the
 *       `Mcp-Method` / `Mcp-Name` / `MCP-Protocol-Version` headers against the
 *       body and answers an unknown version with -32022 and the supported
 *       list;
 *     - 2025-era ("legacy", up to 2025-11-25): the SDK's stateless Streamable
 *       HTTP transport as before, so today's clients see byte-for-byte the
 *       answers they saw on SDK v1 (JSON when they accept it; the SDK's own
 *       stateless fallback would always answer SSE).
 * Only a POST carries MCP messages: without sessions there is no stream to
 * GET and nothing to DELETE, so both answer 405 (MCP transports spec).
 */
import { createMcpHandler, isLegacyRequest, PROTOCOL_VERSION_META_KEY, ProtocolErrorCode, SUPPORTED_PROTOCOL_VERSIONS, WebStandardStreamableHTTPServerTransport, type AuthInfo, type McpHttpHandler, type McpServer } from "@modelcontextprotocol/server";
import { stepUpScopes } from "@/lib/auth/scope-policy";
import { getConfig } from "@/lib/config";
import { preflightResponse, withCors, type CorsPolicy } from "@/lib/http/cors";
import { JsonRpcCode, jsonRpcErrorFor, jsonRpcErrorResponse } from "@/lib/http/json-rpc-response";
import { checkRequestOrigin } from "@/lib/http/request-origin";
import { isRecord } from "@/lib/is-record";
import { authenticateRequest, challengeResponse } from "@/lib/mcp/authenticate-request";
import { rememberClientCapabilities } from "@/lib/mcp/client-capabilities";
import { createMcpServer } from "@/lib/mcp/create-mcp-server";
import { MAX_BODY_BYTES, readJsonRpcBody } from "@/lib/mcp/read-json-rpc-body";
import { chooseResponseMode, type ResponseMode } from "@/lib/mcp/response-mode";
import { checkToolScopes } from "@/lib/mcp/scope-gate";
import { unavailableToolCall } from "@/lib/mcp/tool-availability";
import { TOOL_CATALOGUE } from "@/lib/mcp/tool-catalogue";
import type { CatalogueTool } from "@/lib/mcp/tool-definition";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";

export interface McpHandlerOptions {
  /** The tools to offer; the application's catalogue unless a test brings its own. */
  catalogue?: readonly CatalogueTool[];
}

export const MCP_METHODS = ["POST", "OPTIONS"] as const;
const PREFLIGHT_METHODS = ["GET", "POST", "DELETE", "OPTIONS"];

type Gate = { ok: true; cors: CorsPolicy | undefined } | { ok: false; response: Response };

function originGate(request: Request): Gate {
  const decision = checkRequestOrigin(request.headers, getConfig());
  if (!decision.ok) return { ok: false, response: jsonRpcErrorResponse(403, JsonRpcCode.ServerError, `Forbidden: ${decision.problem}`) };
  return { ok: true, cors: decision.origin ? { kind: "trusted", origin: decision.origin } : undefined };
}

/**
 * A forwarded request whose `signal` is the client's own. Handing the client's
 * signal to `new Request(…, { signal })` instead makes undici build a second
 * AbortController that follows it (a WeakRef, a FinalizationRegistry entry and
 * a listener on the client's signal, for every request): ~12 µs of CPU per
 * 2026-07-28 request, measured (docs/performance.md). The SDK only reads the
 * signal (`PerRequestHTTPServerTransport.handleMessage`: aborted already →
 * the exchange ends; an abort listener closes it; `subscriptions/listen`
 * streams end with it; SDK 2.4.0), so the client's signal itself gives the
 * same cancellation, one step more directly. `Request` may be subclassed
 * (Fetch standard, WebIDL interfaces; undici brand-checks with instanceof).
 */
class ClientSignalRequest extends Request {
  readonly #clientSignal: AbortSignal;
  constructor(url: string, init: RequestInit, clientSignal: AbortSignal) {
    super(url, init);
    this.#clientSignal = clientSignal;
  }
  override get signal(): AbortSignal {
    return this.#clientSignal;
  }
}

// Headers the MCP server may see in `ctx.http.req`: credentials stay here.
// The 2026-07-28 entry also gets the client's abort signal (it cancels the exchange when the client hangs up);
// the 2025 path releases its server itself (releasingStream, clientGone).
function forwardedRequest(request: Request, withClientSignal = false): Request {
  const headers = new Headers(request.headers);
  headers.delete("authorization");
  headers.delete("cookie");
  // The SDK transports insist on both; the response mode is chosen by enableJsonResponse / responseMode.
  headers.set("accept", "application/json, text/event-stream");
  const init: RequestInit = { method: "POST", headers };
  return withClientSignal ? new ClientSignalRequest(request.url, init, request.signal) : new Request(request.url, init);
}

/**
 * The SDK's 2026-07-28 entry, one per catalogue and response mode, kept for the
 * process: it holds no per-request or per-user state (the factory builds a
 * server per request from the `authInfo` passed to each `fetch`).
 */
const modernHandlers = () => processWide("mcp-modern-handlers", () => new WeakMap<readonly CatalogueTool[], Map<ResponseMode, McpHttpHandler>>());

function modernHandler(catalogue: readonly CatalogueTool[], mode: ResponseMode): McpHttpHandler {
  let byMode = modernHandlers().get(catalogue);
  if (!byMode) modernHandlers().set(catalogue, (byMode = new Map()));
  let handler = byMode.get(mode);
  if (!handler) {
    handler = createMcpHandler(
      ({ authInfo, era, requestInfo }) => {
        // The HTTP layer always passes the verified identity; a server without one has nothing to serve.
        if (!authInfo) throw new Error("MCP request without a verified identity");
        return createMcpServer(authInfo, catalogue, era, requestInfo ? calledTools.get(requestInfo) : undefined);
      },
      {
        // Legacy traffic never reaches this handler: handlePost routes it.
        legacy: "reject",
        responseMode: mode,
        // Our own size check (read-json-rpc-body.ts) ran first; the SDK only sees the parsed body.
        maxRequestBodySize: MAX_BODY_BYTES,
        onerror: (error) => log.warn("MCP 2026-07-28 request refused or failed", { reason: error.message }),
      },
    );
    byMode.set(mode, handler);
  }
  return handler;
}

/**
 * The tool a single `tools/call` names, for the SDK's 2026-07-28 factory, which gets the forwarded request
 * (`requestInfo`) but not its body. Keyed by that request object: a request the SDK replaced finds nothing,
 * and its server registers every allowed tool, as before.
 */
const calledTools = new WeakMap<Request, string>();

/** The tool a body that is one `tools/call` request names; undefined for anything else (lists, batches, other methods). */
export function calledToolName(parsed: unknown): string | undefined {
  if (!isRecord(parsed) || parsed.method !== "tools/call" || !isRecord(parsed.params)) return undefined;
  return typeof parsed.params.name === "string" ? parsed.params.name : undefined;
}

async function handleModern(request: Request, authInfo: AuthInfo, parsed: unknown, catalogue: readonly CatalogueTool[], mode: ResponseMode): Promise<Response> {
  const forwarded = forwardedRequest(request, true);
  const called = calledToolName(parsed);
  if (called !== undefined) calledTools.set(forwarded, called);
  const response = await modernHandler(catalogue, mode).fetch(forwarded, { authInfo, parsedBody: parsed });
  return response.status === 400 ? withLegacyVersions(response) : response;
}

/**
 * The strict entry answers an unknown version with -32022 naming only the
 * 2026 revisions it serves itself (MCP 2026-07-28, basic/versioning); this
 * endpoint serves the 2025 ones as well (via initialize), so the answer lists
 * every version a client may choose from.
 */
async function withLegacyVersions(response: Response): Promise<Response> {
  if (!(response.headers.get("content-type") ?? "").startsWith("application/json")) return response;
  const text = await response.text();
  let body: { error?: { code?: unknown; data?: { supported?: unknown } } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  const supported = body.error?.data?.supported;
  if (body.error?.code === ProtocolErrorCode.UnsupportedProtocolVersion && Array.isArray(supported)) {
    body.error.data!.supported = [...new Set([...supported, ...SUPPORTED_PROTOCOL_VERSIONS])];
  }
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(body), { status: response.status, headers });
}

/**
 * Whether a parsed body certainly goes to the 2026-07-28 entry: a single
 * JSON-RPC request or notification, not `initialize`, that carries the
 * envelope claim (the `io.modelcontextprotocol/protocolVersion` key in
 * `params._meta`). For such a body `isLegacyRequest` always answers false, so
 * it is not asked: the entry (`createMcpHandler`) classifies the request
 * anyway, and asking the predicate first classified every 2026-07-28 request
 * twice (~20 µs of CPU each time, docs/performance.md). Every other body is
 * routed by `isLegacyRequest` as before, so the two can still never disagree.
 *
 * Why "certainly" (MCP TypeScript SDK 2.4.0, `classifyInboundRequest` and
 * `hasEnvelopeClaim` in dist/src-*.mjs, `isLegacyRequest` in dist/index.mjs):
 * a POST is legacy only as a batch array (not a plain object), a posted
 * response (the result and error response schemas require `result` /
 * `error`, excluded here), a claim-less request or notification (the claim is
 * required here: "a message claims the 2026-07-28 envelope mechanism if and
 * only if the reserved protocol-version `_meta` key is present in
 * `params._meta`", tested exactly as the SDK does, with `in`), or an
 * `initialize` without a valid modern claim (any `initialize` is left to the
 * predicate). A claim-bearing request or notification is answered by the
 * modern path, its validation ladder included, "never a silent fall back to
 * legacy handling"; anything else that is not legacy is a rejection, which the
 * predicate also sends to the modern entry (`isLegacyRequest` is false for it).
 */
export function claimsModernEnvelope(parsed: unknown): boolean {
  if (!isRecord(parsed) || typeof parsed.method !== "string" || parsed.method === "initialize" || "result" in parsed || "error" in parsed) return false;
  const params = parsed.params;
  if (!isRecord(params)) return false;
  const meta = params._meta;
  return isRecord(meta) && PROTOCOL_VERSION_META_KEY in meta;
}

/** The era dispatch: the SDK's own predicate, unless the body certainly claims 2026-07-28 (above). */
async function isLegacy(request: Request, parsed: unknown): Promise<boolean> {
  if (claimsModernEnvelope(parsed)) return false;
  return isLegacyRequest(request, parsed, { maxRequestBodySize: MAX_BODY_BYTES });
}

async function handlePost(request: Request, catalogue: readonly CatalogueTool[]): Promise<Response> {
  const auth = await authenticateRequest(request, catalogue);
  if (!auth.ok) return auth.response;

  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    return jsonRpcErrorResponse(415, JsonRpcCode.ServerError, "Unsupported Media Type: Content-Type must be application/json");
  }
  const mode = chooseResponseMode(request.headers.get("accept"));
  if (!mode) return jsonRpcErrorResponse(406, JsonRpcCode.ServerError, "Not Acceptable: accept application/json or text/event-stream");

  const body = await readJsonRpcBody(request);
  if (!body.ok) return body.response;
  rememberClientCapabilities(auth.authInfo, body.messages);

  const shortfall = checkToolScopes(body.messages, auth.authInfo.scopes, catalogue);
  if (shortfall) {
    return challengeResponse(403, {
      error: "insufficient_scope",
      description: `${shortfall.tools.join(", ")} needs scope ${shortfall.missing.join(" ")}`,
      scopes: stepUpScopes(auth.authInfo.scopes, shortfall.needed),
    });
  }

  // A tool hidden because its Nextcloud app is missing (tool-availability.ts): the reason, not "not found".
  const unavailable = unavailableToolCall(body.messages, auth.authInfo.scopes, catalogue);
  if (unavailable) return jsonRpcErrorFor(unavailable.id, JsonRpcCode.InvalidParams, unavailable.message);

  if (!(await isLegacy(request, body.parsed))) {
    return handleModern(request, auth.authInfo, body.parsed, catalogue, mode);
  }
  return handleLegacy(request, auth.authInfo, body.parsed, catalogue, mode);
}

async function handleLegacy(request: Request, authInfo: AuthInfo, parsed: unknown, catalogue: readonly CatalogueTool[], mode: ResponseMode): Promise<Response> {
  const server = createMcpServer(authInfo, catalogue, "legacy", calledToolName(parsed));
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: mode === "json" });
  await server.connect(transport);
  openServers().add(server);
  // Closing the server closes its transport too, and aborts the signal of a tool still running.
  const release = () => {
    if (!openServers().delete(server)) return;
    server.close().catch((error: unknown) => log.warn("could not close an MCP server", { reason: error instanceof Error ? error.message : String(error) }));
  };
  // A client that hangs up while a tool runs (JSON mode: before any byte of the answer) releases it too.
  if (request.signal.aborted) release();
  else request.signal.addEventListener("abort", release, { once: true });
  try {
    const answered = transport.handleRequest(forwardedRequest(request), { parsedBody: parsed, authInfo });
    // In JSON mode the transport's answer never settles once it was closed (SDK 1.32): stop waiting when the client is gone.
    const response = mode === "json" ? await Promise.race([answered, clientGone(request.signal)]) : await answered;
    if (mode === "json" || !response.body) {
      request.signal.removeEventListener("abort", release);
      release();
      return response;
    }
    return new Response(releasingStream(response.body, release, request.signal), { status: response.status, headers: response.headers });
  } catch (error) {
    release();
    throw error;
  }
}

/** Resolves when the request is aborted, with an answer nobody will read (the client has gone). */
function clientGone(signal: AbortSignal): Promise<Response> {
  const answer = () => jsonRpcErrorResponse(400, JsonRpcCode.ServerError, "Request aborted by the client");
  if (signal.aborted) return Promise.resolve(answer());
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(answer()), { once: true }));
}

/**
 * The SSE body, passed through, calling `release` once however the stream
 * ends: all responses written (the transport closes it), the client cancels
 * the stream (Next.js cancels the body when the connection closes), or the
 * request is aborted. Without the last two a client that hangs up would leave
 * its McpServer, transport and running tool behind.
 */
function releasingStream(body: ReadableStream<Uint8Array>, release: () => void, signal: AbortSignal): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const onAbort = () => {
    release();
    reader.cancel(signal.reason).catch(() => {});
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  const done = () => {
    signal.removeEventListener("abort", onAbort);
    release();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          done();
          controller.close();
        } else controller.enqueue(chunk.value);
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    async cancel(reason) {
      done();
      await reader.cancel(reason).catch(() => {});
    },
  });
}

const openServers = () => processWide("open-mcp-servers", () => new Set<McpServer>());

/** How many per-request MCP servers are open right now (each in-flight request holds one). */
export function openMcpServerCount(): number {
  return openServers().size;
}

function noStore(response: Response): Response {
  if (!response.headers.has("Cache-Control")) {
    try {
      response.headers.set("Cache-Control", "no-store");
    } catch {
      // immutable headers: the response already carries its own caching rules
    }
  }
  return response;
}

export async function handleMcpPost(request: Request, options: McpHandlerOptions = {}): Promise<Response> {
  const gate = originGate(request);
  if (!gate.ok) return gate.response;
  try {
    return withCors(noStore(await handlePost(request, options.catalogue ?? TOOL_CATALOGUE)), gate.cors);
  } catch (error) {
    log.error("MCP request failed", { reason: error instanceof Error ? error.message : String(error) });
    return withCors(jsonRpcErrorResponse(500, JsonRpcCode.InternalError, "Internal error"), gate.cors);
  }
}

export function handleMcpMethodNotAllowed(request: Request): Response {
  const gate = originGate(request);
  if (!gate.ok) return gate.response;
  const response = jsonRpcErrorResponse(405, JsonRpcCode.ServerError, "Method Not Allowed: this stateless server accepts MCP messages by POST only", {
    Allow: MCP_METHODS.join(", "),
  });
  return withCors(response, gate.cors);
}

export function handleMcpPreflight(request: Request): Response {
  const gate = originGate(request);
  if (!gate.ok) return gate.response;
  if (!gate.cors) return new Response(null, { status: 204, headers: { Allow: MCP_METHODS.join(", ") } });
  return preflightResponse(gate.cors, PREFLIGHT_METHODS);
}
