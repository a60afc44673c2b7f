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
 * Goals from the issue: verifier > 20,000/s on one core; auth adds < 10 % to p50.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import os from "node:os";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { createAccessTokenVerifier } from "@/lib/auth/access-token-verifier";

// autocannon ships no types; this is the part of its result used here.
type LoadResult = { latency: { p50: number; p99: number }; requests: { average: number }; non2xx: number; errors: number };
const autocannon = createRequire(import.meta.url)("autocannon") as (options: Record<string, unknown>) => Promise<LoadResult>;

const rows: [string, string][] = [];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function benchVerifier(): Promise<void> {
  for (const alg of ["RS256", "ES256"]) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg }] });
    const verifier = createAccessTokenVerifier({
      issuer: "https://idp.example",
      audiences: ["mcp-server"],
      keys: jwks,
      // The registry answers from its per-process cache on the hot path; its DB cost is measured in the HTTP runs.
      checkClient: async () => ({ allowed: true, kind: "dynamic" }),
      cache: { maxEntries: 100_000, maxAgeMs: 60_000 },
    });
    const mint = (i: number) =>
      new SignJWT({ scope: "openid notes.read", client_id: "c", jti: String(i) })
        .setProtectedHeader({ alg, kid: "k", typ: "at+jwt" })
        .setIssuer("https://idp.example")
        .setAudience("mcp-server")
        .setSubject("alice")
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(privateKey);
    const tokens = await Promise.all(Array.from({ length: 3000 }, (_, i) => mint(i)));
    for (const t of tokens.slice(0, 200)) await verifier.verify(t); // warm-up (JIT)
    let start = performance.now();
    for (const t of tokens.slice(200)) await verifier.verify(t);
    rows.push([`verifier ${alg} cold (new token each time)`, `${fmt((tokens.length - 200) / ((performance.now() - start) / 1000))} /s`]);
    const same = tokens[0]!;
    const n = 200_000;
    start = performance.now();
    for (let i = 0; i < n; i++) await verifier.verify(same);
    rows.push([`verifier ${alg} warm (same token, cached)`, `${fmt(n / ((performance.now() - start) / 1000))} /s`]);
  }
}

async function benchServerConstruction(): Promise<void> {
  const { createMcpServer } = await import("@/lib/mcp/create-mcp-server");
  const { authDisabledAuthInfo } = await import("@/lib/mcp/caller");
  const { WebStandardStreamableHTTPServerTransport } = await import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js");
  const info = authDisabledAuthInfo("http://127.0.0.1/api/mcp");
  const once = async () => {
    const server = createMcpServer(info);
    await server.connect(new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true }));
    await server.close();
  };
  for (let i = 0; i < 500; i++) await once();
  const n = 5000;
  const start = performance.now();
  for (let i = 0; i < n; i++) await once();
  rows.push(["McpServer + transport per request", `${((performance.now() - start) * 1000 / n).toFixed(1)} µs`]);
}

type Run = { p50: number; p99: number; rps: number; non2xx: number };

async function load(url: string, token: string | undefined, connections: number): Promise<Run> {
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: 8,
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "check_provisioning_status", arguments: {} } }),
  });
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, non2xx: result.non2xx + result.errors };
}

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
    for (const [, url, t] of targets) await load(url, t, 4); // warm both (JIT, DB pools, JWKS fetch)
    for (const connections of [1, 10]) {
      const results: Run[] = [];
      for (const [name, url, t] of targets) {
        const r = await load(url, t, connections);
        results.push(r);
        rows.push([`tools/call ${name}, ${connections} conn`, `p50 ${r.p50} ms, p99 ${r.p99} ms, ${fmt(r.rps)} req/s${r.non2xx ? `, ${r.non2xx} failed` : ""}`]);
      }
      const [withAuth, without] = results as [Run, Run];
      rows.push([`  auth overhead at p50, ${connections} conn`, `${(withAuth.p50 - without.p50).toFixed(2)} ms (${(((withAuth.p50 - without.p50) / Math.max(without.p50, 0.01)) * 100).toFixed(1)} %)`]);
    }
  } finally {
    await Promise.all([secured.stop(), open.stop()]);
    await Promise.all([authDb.drop(), openDb.drop()]);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--verifier-only")) {
    await benchVerifier();
    await benchServerConstruction();
    process.stdout.write(JSON.stringify(rows));
    return;
  }
  // Pin the in-process part to one core so "per core" means what it says.
  const pinned = spawnSync("taskset", ["-c", "0", process.execPath, "--import", "tsx", process.argv[1]!, "--verifier-only"], { encoding: "utf8", env: process.env });
  if (pinned.status === 0) rows.push(...(JSON.parse(pinned.stdout.trim().split("\n").pop()!) as [string, string][]));
  else {
    rows.push(["(taskset unavailable: verifier not pinned)", ""]);
    await benchVerifier();
    await benchServerConstruction();
  }
  await benchHttp();
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  let nproc = String(os.cpus().length);
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // os.cpus() is the fallback
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nbench:auth — Node ${process.version}, ${cpu}, nproc ${nproc}\n`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

await main();
