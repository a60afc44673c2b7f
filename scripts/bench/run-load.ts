/**
 * Load generation for the benchmarks: autocannon (a real HTTP load generator,
 * keep-alive connections, no client-side fetch overhead) for a fixed time or
 * a fixed number of requests, with every response's latency recorded at
 * sub-millisecond resolution (autocannon's own histogram keeps whole ms and
 * no p95). An "error" is anything that is not a good answer: a socket error
 * or timeout, a non-2xx status, or a 2xx body that `verifyBody` refuses
 * (a tool error result comes back as HTTP 200).
 *
 * `runFetchLoad` is the same measurement driven by fetch, for requests
 * autocannon cannot send (PROPFIND in bench:tools).
 */
import { createRequire } from "node:module";

export interface LoadTarget {
  url: string;
  method?: "GET" | "POST" | "PROPFIND";
  headers?: Record<string, string>;
  body?: string;
  /** True when a 2xx body is a good answer (default: any 2xx). */
  verifyBody?: (body: string) => boolean;
}

export interface LoadResult {
  connections: number;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** The first refused body or status, to say why errors happened. */
  firstError?: string;
  /** Every latency, sorted (only with `keepLatencies`, to pool several runs). */
  latencies?: number[];
}

// autocannon ships no types: the part of its API used here.
interface AutocannonInstance {
  stop(): void;
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: "reqError", listener: (error: Error) => void): void;
}
type AutocannonResult = { errors: number; timeouts: number };
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summarize(latencies: number[], connections: number, seconds: number, errors: number, firstError?: string): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    connections,
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    firstError,
  };
}

/**
 * Runs `target` with `connections` keep-alive connections for `seconds`, or
 * until `amount` requests were answered (then at most `maxSeconds`, if given).
 */
export function runLoad(target: LoadTarget, options: { connections: number; seconds?: number; amount?: number; maxSeconds?: number; keepLatencies?: boolean }): Promise<LoadResult> {
  const latencies: number[] = [];
  let firstError: string | undefined;
  let badStatus = 0;
  let badBody = 0;
  // autocannon emits "response" and then, synchronously, calls verifyBody for the same answer.
  let lastStatus = 0;
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: target.method ?? "GET",
        headers: target.headers ?? {},
        body: target.body,
        connections: options.connections,
        ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
        timeout: 10,
        verifyBody: (body: string) => {
          if (lastStatus < 200 || lastStatus >= 300) {
            firstError ??= `HTTP ${lastStatus}: ${body.slice(0, 300)}`;
          } else if (target.verifyBody && !target.verifyBody(body)) {
            badBody++;
            firstError ??= `HTTP ${lastStatus} with an error body: ${body.slice(0, 300)}`;
          }
          return true;
        },
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (performance.now() - began) / 1000;
        // Socket errors and timeouts (result.errors), non-2xx statuses, refused 2xx bodies: each failure once.
        const summary = summarize(latencies, options.connections, seconds, result.errors + badStatus + badBody, firstError);
        resolve(options.keepLatencies ? { ...summary, latencies } : summary);
      },
    );
    if (options.amount && options.maxSeconds) {
      const timer = setTimeout(() => instance.stop(), options.maxSeconds * 1000);
      timer.unref();
    }
    instance.on("response", (_client, status, _bytes, ms) => {
      latencies.push(ms);
      lastStatus = status;
      if (status < 200 || status >= 300) badStatus++;
    });
    instance.on("reqError", (error) => (firstError ??= `socket: ${error.message}`));
  });
}

/** The same measurement with fetch (for methods autocannon cannot send); the first failure ends the run. */
export async function runFetchLoad(target: LoadTarget, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  const until = performance.now() + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const start = performance.now();
      const res = await fetch(target.url, { method: target.method ?? "GET", headers: target.headers, body: target.body });
      const text = await res.text();
      if (res.status >= 300 || (target.verifyBody && !target.verifyBody(text))) throw new Error(`${target.method} ${target.url}: HTTP ${res.status} ${text.slice(0, 300)}`);
      latencies.push(performance.now() - start);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: options.connections }, worker));
  return summarize(latencies, options.connections, (performance.now() - began) / 1000, 0);
}

/** A JSON-RPC tools/call as an MCP client posts it (Streamable HTTP, JSON response). */
export function toolCallTarget(mcpUrl: string, name: string, args: Record<string, unknown>, token?: string, protocolVersion: "2025-11-25" | "2026-07-28" = "2025-11-25"): LoadTarget {
  // MCP 2026-07-28: no initialize; the request carries its version, client and capabilities in `_meta`,
  // and the Mcp-Method / Mcp-Name headers repeat the method and the tool.
  const modern = protocolVersion === "2026-07-28";
  const meta = modern
    ? { _meta: { "io.modelcontextprotocol/protocolVersion": protocolVersion, "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" }, "io.modelcontextprotocol/clientCapabilities": {} } }
    : {};
  return {
    url: mcpUrl,
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": protocolVersion,
      ...(modern ? { "mcp-method": "tools/call", "mcp-name": name } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args, ...meta } }),
    // A tool error (isError) or a JSON-RPC error is an error, even though both come back as HTTP 200.
    verifyBody: (body) => body.includes('"result"') && !body.includes('"isError":true'),
  };
}

/**
 * Several runs of one path as one result: latencies pooled for the
 * percentiles, throughput the median of the runs' (robust to one run that
 * the machine disturbed), requests, seconds and errors summed. Each run must
 * have been made with `keepLatencies`.
 */
export function poolRuns(runs: LoadResult[]): LoadResult & { runRps: number[] } {
  const latencies = runs.flatMap((r) => r.latencies ?? []);
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const pooled = summarize(latencies, runs[0]!.connections, seconds, errors, runs.find((r) => r.firstError)?.firstError);
  const rps = runs.map((r) => r.rps).sort((a, b) => a - b);
  const mid = Math.floor(rps.length / 2);
  return { ...pooled, rps: rps.length % 2 ? rps[mid]! : (rps[mid - 1]! + rps[mid]!) / 2, runRps: runs.map((r) => r.rps) };
}
