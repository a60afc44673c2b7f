/**
 * What one in-process token exchange costs, counted and profiled
 * (docs/performance.md, issue 19 goal (e)): the same setup as
 * measure-exchange.ts (exchangeSessionToken with the built-in IdP on PGlite,
 * handed to the provider in-process), then N exchanges one at a time while
 *
 * - every SQL statement PGlite executes is counted by its text (Prisma's
 *   queries reach PGlite as `query`/`execProtocol` calls; audit inserts too),
 * - every signature made and checked through node:crypto's one-shot and
 *   WebCrypto APIs is counted by algorithm,
 * - the V8 sampling profiler (node:inspector, 0.5 ms) records only the loop.
 *
 *   npx tsx scripts/bench/profile-exchange.ts [--iterations 300] [--profile out.cpuprofile]
 *
 * Prints the per-exchange counts, the latency percentiles and, with --profile,
 * the profile's summary by module and function (summarize-cpu-profile.ts).
 */
import { writeFileSync } from "node:fs";
import inspector from "node:inspector";
import { parseArgs } from "node:util";
import { formatSummary, summarizeCpuProfile } from "./summarize-cpu-profile";
import { percentile } from "./run-load";

const { values } = parseArgs({ options: { iterations: { type: "string", default: "300" }, profile: { type: "string" } } });
const iterations = Math.max(20, Number(values.iterations));

const statements = new Map<string, number>();
let counting = false;
function countStatement(sql: unknown): void {
  if (!counting) return;
  const text = typeof sql === "string" ? sql : "(extended protocol message)";
  const key = text.replace(/\s+/g, " ").slice(0, 140);
  statements.set(key, (statements.get(key) ?? 0) + 1);
}

async function instrumentPglite(): Promise<void> {
  const { PGlite } = await import("@electric-sql/pglite");
  const proto = PGlite.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ["query", "exec"]) {
    const original = proto[name]!;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      countStatement(args[0]);
      return original.apply(this, args);
    };
  }
}

const crypto = new Map<string, number>();
async function instrumentCrypto(): Promise<void> {
  const nodeCrypto = await import("node:crypto");
  const subtle = nodeCrypto.webcrypto.subtle as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ["sign", "verify"]) {
    const original = subtle[name]!.bind(subtle);
    subtle[name] = (...args: unknown[]) => {
      if (counting) {
        const alg = args[0] as { name?: string; hash?: unknown } | string;
        const key = `webcrypto ${name} ${typeof alg === "string" ? alg : alg.name}`;
        crypto.set(key, (crypto.get(key) ?? 0) + 1);
      }
      return original(...args);
    };
  }
}

async function main() {
  await instrumentPglite();
  await instrumentCrypto();
  const { mintMcpAccessToken, startInProcessIdp } = await import("../../tests/helpers/in-process-idp");
  const idp = await startInProcessIdp({ ENABLE_PROGRESSIVE_CONSENT: "false", ACCESS_TOKEN_TTL: "3600" });
  try {
    const { createAccount } = await import("@/lib/accounts");
    const { recordHybridGrant } = await import("@/lib/idp/record-hybrid-grant");
    const { exchangeSessionToken } = await import("@/lib/broker/exchange-session-token");
    const accountId = (await createAccount({ username: "bench", password: "bench-password-123", displayName: "Bench" })).id;
    await recordHybridGrant({ accountId, clientId: "bench", scopes: ["account.read"] });
    const { token, clientId } = await mintMcpAccessToken(idp, { accountId, scopes: ["account.read"] });
    const subject = { token, sub: accountId, clientId };
    const run = async () => void (await exchangeSessionToken(subject, ["account.read"], { tool: "bench" }));
    for (let i = 0; i < 100; i++) await run(); // warm-up: JIT, caches
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the warm-up's audit writes drain

    const session = new inspector.Session();
    if (values.profile) {
      session.connect();
      await new Promise<void>((resolve) => session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 500 }, () => session.post("Profiler.start", () => resolve()))));
    }
    counting = true;
    const cpuBefore = process.cpuUsage();
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      await run();
      samples.push(performance.now() - start);
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last audit rows
    counting = false;
    const cpu = process.cpuUsage(cpuBefore);
    if (values.profile) {
      const profile = await new Promise<unknown>((resolve, reject) => session.post("Profiler.stop", (error, result) => (error ? reject(error) : resolve(result.profile))));
      writeFileSync(values.profile, JSON.stringify(profile));
    }
    samples.sort((a, b) => a - b);
    console.log(`${iterations} exchanges, one at a time: p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms, mean ${(samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(2)} ms; CPU of this process per exchange ${((cpu.user + cpu.system) / 1000 / iterations).toFixed(2)} ms (user ${(cpu.user / 1000 / iterations).toFixed(2)}, system ${(cpu.system / 1000 / iterations).toFixed(2)}; all threads, audit writes included)`);
    console.log("\nSQL statements per exchange (PGlite query/exec calls):");
    for (const [sql, n] of [...statements].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / iterations).toFixed(2).padStart(6)}  ${sql}`);
    console.log("\nWebCrypto signatures per exchange:");
    for (const [op, n] of crypto) console.log(`  ${(n / iterations).toFixed(2).padStart(6)}  ${op}`);
    if (values.profile) console.log(`\n${formatSummary(summarizeCpuProfile(values.profile))}`);
  } finally {
    await idp.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
