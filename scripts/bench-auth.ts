/**
 * `npm run bench:auth` — what Flow 1 authentication costs (a benchmark, not a test):
 * 1. the token verifier on one core (pinned with taskset when available):
 *    cold = a new token each time (full RS256/ES256 signature check),
 *    warm = the same token again (the bounded verified-token cache);
 * 2. building the per-request McpServer + transport (stateless mode);
 * 3. tools/call check_provisioning_status over HTTP against the production
 *    build: with authentication (external IdP mode) vs. the auth-disabled
 *    test instance, p50/p99 latency and requests/s (autocannon).
 * Needs a production build (`npm run build`, NEXT_DIST_DIR honoured).
 * The in-process part and the load generator are shared with `npm run bench`
 * (scripts/bench/measure-verifier.ts, scripts/bench/run-load.ts).
 * Goals: the cached (warm) verifier path and auth adding < 10 % to p50; the old
 * goal of 20,000 new tokens/s on one core was retired with the return to jose
 * (issue 19: verified tokens are cached, the cold path matters far less).
 */
import type { LoadResult } from "./bench/run-load";
import { exitWithUsageIfAsked } from "./cli/help";

exitWithUsageIfAsked(`Usage: npm run bench:auth
What Flow 1 authentication costs: the token verifier on one core, then tool calls with and without
authentication over HTTP (production build needed: \`npm run build\`).`);
// The benchmark's modules are imported after --help is answered (they load the app's code and the load generator).
const [{ describeMachine }, { measureInProcessPinned }, { runLoad, toolCallTarget }] = await Promise.all([
  import("./bench/describe-machine"),
  import("./bench/measure-verifier"),
  import("./bench/run-load"),
]);

const rows: [string, string][] = [];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function benchInProcess(): Promise<void> {
  const results = await measureInProcessPinned();
  if (!results.pinned) rows.push(["(taskset unavailable: verifier not pinned)", ""]);
  for (const v of results.verifier) {
    rows.push([`verifier ${v.alg} cold (new token each time)`, `${fmt(v.coldPerSecond)} /s`]);
    rows.push([`verifier ${v.alg} warm (same token, cached)`, `${fmt(v.warmPerSecond)} /s`]);
  }
  rows.push(["McpServer + transport per request", `${results.mcpServerMicros.toFixed(1)} µs`]);
}

// As before the merge: any JSON-RPC result counts (on the auth-disabled instance the tool answers with a tool error).
const target = (url: string, token: string | undefined) => ({ ...toolCallTarget(url, "check_provisioning_status", {}, token), verifyBody: (b: string) => b.includes('"result"') });
const load = (url: string, token: string | undefined, connections: number): Promise<LoadResult> => runLoad(target(url, token), { connections, seconds: 8 });

async function benchHttp(): Promise<void> {
  const { startApp } = await import("../tests/helpers/app-server");
  const { createTestDatabase } = await import("../tests/helpers/databases");
  const { startAppWithExternalIdp } = await import("../tests/helpers/external-idp");
  const [authDb, openDb] = [await createTestDatabase("pglite"), await createTestDatabase("pglite")];
  const secured = await startAppWithExternalIdp(authDb.env);
  const open = await startApp({ ...openDb.env, NODE_ENV: "test", MCP_INSECURE_DISABLE_AUTH: "true" });
  try {
    const token = await secured.idp.accessToken({ azp: "bench-client" });
    const targets: [string, string, string | undefined][] = [
      ["with auth", `${secured.app.url}/api/mcp`, token],
      ["auth disabled", `${open.url}/api/mcp`, undefined],
    ];
    for (const [, url, t] of targets) await runLoad(target(url, t), { connections: 4, seconds: 3 }); // warm both (JIT, DB pools, JWKS fetch)
    for (const connections of [1, 10]) {
      const results: LoadResult[] = [];
      for (const [name, url, t] of targets) {
        const r = await load(url, t, connections);
        results.push(r);
        rows.push([`tools/call ${name}, ${connections} conn`, `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${fmt(r.rps)} req/s${r.errors ? `, ${r.errors} failed` : ""}`]);
      }
      const [withAuth, without] = results as [LoadResult, LoadResult];
      rows.push([`  auth overhead at p50, ${connections} conn`, `${(withAuth.p50 - without.p50).toFixed(2)} ms (${(((withAuth.p50 - without.p50) / Math.max(without.p50, 0.01)) * 100).toFixed(1)} %)`]);
    }
  } finally {
    await Promise.all([secured.stop(), open.stop()]);
    await Promise.all([authDb.drop(), openDb.drop()]);
  }
}

async function main(): Promise<void> {
  await benchInProcess();
  await benchHttp();
  const machine = describeMachine();
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nbench:auth — Node ${machine.node}, ${machine.cpuModel}, nproc ${machine.nproc}, load ${machine.loadAverage.join(" ")}\n`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

await main();
