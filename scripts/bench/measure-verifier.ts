/**
 * The Flow 1 token verifier alone, in-process (no HTTP, no database): how many
 * access tokens one core verifies per second.
 *   cold — a new token each time: the full check, signature included;
 *   warm — the same token again: the verifier's bounded verified-token cache.
 * The client registry is answered in memory (its per-process cache answers
 * the hot path in the app too; its database cost shows in the HTTP runs).
 * Also: the cost of building the per-request McpServer + transport
 * (stateless Streamable HTTP), in µs.
 *
 * Run directly (`node --import tsx scripts/bench/measure-verifier.ts`) it
 * prints the results as JSON: callers pin it to one core with taskset.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { createAccessTokenVerifier } from "@/lib/auth/access-token-verifier";

export interface VerifierResult {
  alg: string;
  coldPerSecond: number;
  warmPerSecond: number;
}

export interface InProcessResults {
  verifier: VerifierResult[];
  mcpServerMicros: number;
  /** True when the measurement ran pinned to one core. */
  pinned: boolean;
}

async function measureAlgorithm(alg: "RS256" | "ES256"): Promise<VerifierResult> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg }] });
  const verifier = createAccessTokenVerifier({
    issuer: "https://idp.example",
    audiences: ["mcp-server"],
    keys: jwks,
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
  const coldPerSecond = (tokens.length - 200) / ((performance.now() - start) / 1000);
  const same = tokens[0]!;
  const n = 200_000;
  start = performance.now();
  for (let i = 0; i < n; i++) await verifier.verify(same);
  return { alg, coldPerSecond, warmPerSecond: n / ((performance.now() - start) / 1000) };
}

async function measureServerConstruction(): Promise<number> {
  const { createMcpServer } = await import("@/lib/mcp/create-mcp-server");
  const { authDisabledAuthInfo } = await import("@/lib/mcp/caller");
  const { WebStandardStreamableHTTPServerTransport } = await import("@modelcontextprotocol/server");
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
  return ((performance.now() - start) * 1000) / n;
}

export async function measureInProcess(): Promise<Omit<InProcessResults, "pinned">> {
  const verifier = [await measureAlgorithm("RS256"), await measureAlgorithm("ES256")];
  return { verifier, mcpServerMicros: await measureServerConstruction() };
}

/** Runs the measurement in a child pinned to CPU 0 (taskset), or here when taskset is missing. */
export async function measureInProcessPinned(): Promise<InProcessResults> {
  const self = path.join(import.meta.dirname, "measure-verifier.ts");
  const child = spawnSync("taskset", ["-c", "0", process.execPath, "--import", "tsx", self], { encoding: "utf8", env: process.env, cwd: path.resolve(import.meta.dirname, "..", "..") });
  if (child.status === 0) return { ...(JSON.parse(child.stdout.trim().split("\n").pop()!) as Omit<InProcessResults, "pinned">), pinned: true };
  return { ...(await measureInProcess()), pinned: false };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await measureInProcess())}\n`);
}
