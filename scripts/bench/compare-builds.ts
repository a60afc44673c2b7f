/**
 * Before/after numbers for a performance change on a shared, noisy machine:
 * two production builds (e.g. `NEXT_DIST_DIR=.next-before` and `.next-after`)
 * run side by side and are loaded in alternation (before, after, before, …),
 * so a change in the machine's load hits both alike. Reports the median over
 * the rounds of requests/s, p50 and p99 per path and concurrency.
 *
 *   npx tsx scripts/bench/compare-builds.ts --before .next-a --after .next-b \
 *     [--seconds 4] [--rounds 3] [--paths b,c,d,e] [--out FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadAverage } from "./describe-machine";
import { runLoad, toolCallTarget, type LoadResult, type LoadTarget } from "./run-load";
import { exchangeTarget, startAuthDisabledApp, startFullStack } from "./start-bench-stack";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    after: { type: "string" },
    seconds: { type: "string", default: "4" },
    rounds: { type: "string", default: "3" },
    paths: { type: "string", default: "b,c,d,e" },
    concurrency: { type: "string", default: "1,16" },
    out: { type: "string" },
  },
});
if (!values.before || !values.after) throw new Error("--before and --after name the two builds (NEXT_DIST_DIR values)");
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const PATHS = values.paths!.split(",");
const CONCURRENCY = values.concurrency!.split(",").map(Number);

type Side = { targets: Record<string, LoadTarget>; stop(): Promise<void> };

async function startSide(distDir: string): Promise<Side> {
  process.env.NEXT_DIST_DIR = distDir; // read by the test helpers when they spawn `next start`
  const open = await startAuthDisabledApp();
  const full = await startFullStack("pglite");
  const mcp = `${full.app.url}/api/mcp`;
  return {
    targets: {
      a: { url: `${full.app.url}/api/version` },
      b: toolCallTarget(`${open.url}/api/mcp`, "whoami", {}),
      c: toolCallTarget(mcp, "whoami", {}, full.mcpToken),
      d: toolCallTarget(mcp, "nc_notes_get", { id: full.noteId }, full.mcpToken),
      e: exchangeTarget(full.app.url, full.mcpToken, "notes.read"),
    },
    async stop() {
      await open.stop();
      await full.stop();
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const before = await startSide(values.before!);
  const after = await startSide(values.after!);
  const rows: { path: string; connections: number; before: Partial<LoadResult>; after: Partial<LoadResult> }[] = [];
  try {
    for (const id of PATHS) {
      await runLoad(before.targets[id]!, { connections: 16, seconds: 2 });
      await runLoad(after.targets[id]!, { connections: 16, seconds: 2 });
      for (const connections of CONCURRENCY) {
        const runs: Record<"before" | "after", LoadResult[]> = { before: [], after: [] };
        for (let round = 0; round < ROUNDS; round++) {
          runs.before.push(await runLoad(before.targets[id]!, { connections, seconds: SECONDS }));
          runs.after.push(await runLoad(after.targets[id]!, { connections, seconds: SECONDS }));
        }
        const pick = (list: LoadResult[]) => ({ rps: median(list.map((r) => r.rps)), p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)), errors: list.reduce((n, r) => n + r.errors, 0) });
        const row = { path: id, connections, before: pick(runs.before), after: pick(runs.after) };
        rows.push(row);
        process.stderr.write(`[compare] ${id} c${connections}: ${JSON.stringify(row)} load ${loadAverage()[0]}\n`);
      }
    }
  } finally {
    await before.stop();
    await after.stop();
  }
  const f = (n: number | undefined) => (n === undefined ? "–" : n.toFixed(2));
  console.log(`before = ${values.before}, after = ${values.after}; median of ${ROUNDS} alternating ${SECONDS} s runs; load now ${loadAverage().join(" ")}\n`);
  console.log("path  conc   req/s before → after        p50 ms before → after      p99 ms before → after     errors");
  for (const r of rows) {
    console.log(
      `${r.path.padEnd(4)}  ${String(r.connections).padStart(4)}   ${Math.round(r.before.rps!).toString().padStart(6)} → ${Math.round(r.after.rps!).toString().padEnd(6)} (${((r.after.rps! / r.before.rps! - 1) * 100).toFixed(0).padStart(4)} %)   ` +
        `${f(r.before.p50).padStart(8)} → ${f(r.after.p50).padEnd(8)}   ${f(r.before.p99).padStart(8)} → ${f(r.after.p99).padEnd(8)}   ${r.before.errors}/${r.after.errors}`,
    );
  }
  if (values.out) {
    mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    writeFileSync(values.out, `${JSON.stringify({ before: values.before, after: values.after, seconds: SECONDS, rounds: ROUNDS, rows }, null, 2)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
