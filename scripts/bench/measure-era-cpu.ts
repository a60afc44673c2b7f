/**
 * The CPU one MCP tools/call costs the endpoint, per protocol era, in-process:
 * handleMcpPost (lib/mcp/handle-mcp-request.ts, the code behind POST /api/mcp)
 * called with a Web Request many thousand times, the answer read to the end,
 * and process.cpuUsage() (user + system) read around each batch. No sockets,
 * no load generator, no Next.js: what is left is the endpoint's own work —
 * the ordered checks, the era dispatch, the per-request McpServer and the
 * SDK's serving of each era — which is exactly where the two eras differ.
 *
 *   MCP 2025-11-25: the SDK's stateless Streamable HTTP transport (no _meta envelope);
 *   MCP 2026-07-28: the SDK's createMcpHandler (the `_meta` envelope, Mcp-Method / Mcp-Name).
 *
 * Two settings, as in (b) and (c) of `npm run bench`: with a verified Flow 1
 * token (the built-in IdP, in this process; the verifier's cache answers
 * after the first call, as it does for a client that reuses its token), and
 * with authentication disabled (test mode). Batches in ABBA order within each
 * round (paired-rounds.ts); the verdict is the median of the per-round
 * ratios 2026/2025 of CPU per request.
 *
 * Runs in its own process (`node --import tsx scripts/bench/measure-era-cpu.ts
 * [--rounds 12] [--batch 200] [--only legacy|modern]` prints JSON): it opens
 * a database and sets the configuration of an in-process IdP. With `--only`
 * it runs one era (for `node --cpu-prof`: one profile per era).
 */
import { parseArgs } from "node:util";
import { printJsonWhenRunDirectly, runJsonChild } from "./json-child";
import { abbaOrder, pairedRatios, spreadOf, type Spread } from "./paired-rounds";
import { toolCallTarget, type LoadTarget } from "./run-load";

export type Era = "legacy" | "modern";

export interface EraCpu {
  /** CPU µs per request, per round (the mean of the round's two batches of this era). */
  legacyMicros: Spread;
  modernMicros: Spread;
  /** Per-round 2026-07-28 / 2025-11-25 CPU per request: above 1 means 2026-07-28 costs more. */
  ratio: Spread;
}

export interface EraCpuResult {
  tool: string;
  rounds: number;
  batch: number;
  /** With a verified Flow 1 token (built-in IdP). */
  token: EraCpu;
  /** With authentication disabled (NODE_ENV=test, MCP_INSECURE_DISABLE_AUTH). */
  disabled: EraCpu;
}

type Call = () => Promise<void>;

function caller(handle: (request: Request) => Promise<Response>, target: LoadTarget): Call {
  const host = new URL(target.url).host;
  return async () => {
    const response = await handle(new Request(target.url, { method: "POST", headers: { ...target.headers, host }, body: target.body }));
    const text = await response.text();
    if (response.status !== 200 || !target.verifyBody!(text)) throw new Error(`tools/call failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  };
}

async function cpuPerRequest(call: Call, batch: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < batch; i++) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / batch;
}

async function compare(calls: Record<Era, Call>, rounds: number, batch: number, only?: Era): Promise<EraCpu> {
  for (let i = 0; i < 500; i++) for (const call of Object.values(calls)) await call(); // warm-up: JIT, caches
  const micros: Record<Era, number[]> = { legacy: [], modern: [] };
  for (let round = 0; round < rounds; round++) {
    const sums: Record<Era, number[]> = { legacy: [], modern: [] };
    for (const era of only ? [only, only, only, only] : abbaOrder<Era>(round, "legacy", "modern")) sums[era].push(await cpuPerRequest(calls[era], batch));
    for (const era of ["legacy", "modern"] as const) if (sums[era].length) micros[era].push(sums[era].reduce((a, b) => a + b, 0) / sums[era].length);
  }
  return {
    legacyMicros: spreadOf(micros.legacy),
    modernMicros: spreadOf(micros.modern),
    ratio: only ? spreadOf([]) : pairedRatios(micros.modern, micros.legacy).spread,
  };
}

async function measure(rounds: number, batch: number, only?: Era): Promise<EraCpuResult> {
  const { mintMcpAccessToken, startInProcessIdp } = await import("../../tests/helpers/in-process-idp");
  const idp = await startInProcessIdp({ ACCESS_TOKEN_TTL: "3600" });
  try {
    const { createAccount } = await import("@/lib/accounts");
    const { handleMcpPost } = await import("@/lib/mcp/handle-mcp-request");
    const { TOOL_CATALOGUE } = await import("@/lib/mcp/tool-catalogue");
    const { scopesUsedBy } = await import("@/lib/auth/scopes");
    const { getConfig } = await import("@/lib/config");
    const accountId = (await createAccount({ username: "bench", password: "bench-password-123", displayName: "Bench" })).id;
    // Every tool scope, as a standard client asks for (and as (c) of npm run bench holds): the same tools registered.
    const { token } = await mintMcpAccessToken(idp, { accountId, scopes: scopesUsedBy(TOOL_CATALOGUE) });
    const handle = (request: Request) => handleMcpPost(request);
    const callsFor = (bearer?: string): Record<Era, Call> => {
      const url = getConfig().MCP_URL;
      return { legacy: caller(handle, toolCallTarget(url, "whoami", {}, bearer)), modern: caller(handle, toolCallTarget(url, "whoami", {}, bearer, "2026-07-28")) };
    };
    const withToken = await compare(callsFor(token), rounds, batch, only);
    // The configuration is read once per process (lib/config): drop it so the switch is seen.
    process.env.MCP_INSECURE_DISABLE_AUTH = "true";
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];
    const disabled = await compare(callsFor(), rounds, batch, only);
    return { tool: "whoami", rounds, batch, token: withToken, disabled };
  } finally {
    await idp.close();
  }
}

/** Runs the measurement in a child process (pinned to CPU 0 with taskset when it exists) and returns its result. */
export function measureEraCpuInChild(options: { rounds: number; batch: number }): EraCpuResult & { pinned: boolean } {
  const { result, pinned } = runJsonChild<EraCpuResult>("scripts/bench/measure-era-cpu.ts", ["--rounds", String(options.rounds), "--batch", String(options.batch)], { pin: true });
  return { ...result, pinned };
}

printJsonWhenRunDirectly(import.meta.url, () => {
  const { values } = parseArgs({ options: { rounds: { type: "string", default: "12" }, batch: { type: "string", default: "200" }, only: { type: "string" } } });
  const only = values.only === "legacy" || values.only === "modern" ? values.only : undefined;
  return measure(Math.max(2, Number(values.rounds)), Math.max(10, Number(values.batch)), only);
});
