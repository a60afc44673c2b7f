/**
 * The two MCP protocol eras over HTTP, compared in paired rounds: for each
 * setting ((b) auth disabled, (c) Flow 1) and concurrency, `rounds` rounds of
 * four slices in ABBA order (2025-11-25, 2026-07-28, 2026-07-28, 2025-11-25;
 * BAAB in the next round; bench/paired-rounds.ts). A path's throughput in a
 * round is its requests over its seconds in that round's two slices; the
 * comparison is the median of the per-round ratios 2026/2025, with its
 * spread. Latencies are pooled over every slice, as in `npm run bench`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { processTree } from "../../tests/helpers/process-tree.mjs";
import { loadAverage } from "./describe-machine";
import type { PathResult } from "./format-report";
import { abbaOrder, pairedRatios, spreadOf, type Spread } from "./paired-rounds";
import { poolRuns, runLoad, type LoadResult, type LoadTarget } from "./run-load";

export interface EraPath {
  id: string;
  label: string;
  target: LoadTarget;
}

/** One setting measured on both eras: `legacy` is MCP 2025-11-25, `modern` 2026-07-28. */
export interface EraPair {
  setting: string;
  legacy: EraPath;
  modern: EraPath;
  /** The server's process (and, read each time, its descendants): its CPU per request is measured per slice. */
  serverPid?: number;
}

/** CPU µs per request in one concurrency's rounds: the server's (from /proc) and the load generator's (this process). */
export interface EraCpuOverHttp {
  /** Server CPU µs per request, per round, each era; and the per-round ratio 2026/2025. */
  serverLegacyMicros: Spread;
  serverModernMicros: Spread;
  server: Spread & { ratios: number[] };
  /** The same for the load generator (autocannon, in the bench's process, on the same cores). */
  clientLegacyMicros: Spread;
  clientModernMicros: Spread;
  client: Spread & { ratios: number[] };
}

export interface EraThroughput {
  setting: string;
  /** Per concurrency: the per-round throughput ratios 2026/2025 and their spread. */
  byConcurrency: Record<string, Spread & { ratios: number[] }>;
  /** Per concurrency, when the server's process is known: CPU per request on both sides of the socket. */
  cpuByConcurrency?: Record<string, EraCpuOverHttp>;
}

/**
 * Sets the CPUs every thread of `pid` and its descendants may run on (`taskset -a -p -c`); false when taskset
 * is missing or refused. Threads started later inherit it from the thread that starts them.
 */
export function pinProcessTree(pid: number, cpus: string): boolean {
  // `taskset -a -p` on a pid that is gone exits 0 having pinned nothing.
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    for (const p of processTree(pid)) execFileSync("taskset", ["-a", "-p", "-c", cpus, String(p)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The CPUs a process may run on now (`Cpus_allowed_list` of /proc/<pid>/status), e.g. "0-1"; undefined if it is gone. */
export function allowedCpus(pid: number): string | undefined {
  try {
    return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * With two or more CPUs: the servers on the last CPU, the load generator (`loadPid`: this process) on the others, so
 * neither takes the other's time in a slice and the throughput is the server's alone; `undo` gives each
 * process the CPUs it had before. Undefined when nothing could be pinned (no taskset, one CPU, a cpuset
 * that does not include CPUs 0…n-1): nothing changed then.
 */
export function separateServersFromLoad(serverPids: readonly number[], loadPid = process.pid): { cpus: string; undo: () => void } | undefined {
  const n = availableParallelism();
  if (n < 2) return undefined;
  const before = [loadPid, ...serverPids].map((pid) => [pid, allowedCpus(pid)] as const);
  const undo = () => {
    for (const [pid, cpus] of before) if (cpus) pinProcessTree(pid, cpus);
  };
  const server = String(n - 1);
  const load = n === 2 ? "0" : `0-${n - 2}`;
  if (!pinProcessTree(loadPid, load) || !serverPids.every((pid) => pinProcessTree(pid, server))) {
    undo();
    return undefined;
  }
  return { cpus: `server on CPU ${server}, load generator on CPU ${load}`, undo };
}

const TICKS_PER_SECOND = 100; // USER_HZ: the unit of /proc/<pid>/stat's utime and stime on Linux

/** CPU µs used so far by a process and its living descendants (utime + stime of /proc/<pid>/stat, 10 ms ticks). */
export function processTreeCpuMicros(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      // The command name (field 2) may hold spaces and parentheses: the fields counted after its last ")".
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
    } catch {
      // the process ended between the listing and the read: its CPU is no longer counted anywhere
    }
  }
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

interface SliceCpu {
  requests: number;
  serverMicros: number;
  clientMicros: number;
}

const perRequest = (slices: readonly SliceCpu[], side: "serverMicros" | "clientMicros") =>
  slices.reduce((n, s) => n + s[side], 0) / Math.max(1, slices.reduce((n, s) => n + s.requests, 0));

/** Requests per second over several slices: all their requests over all their seconds. */
export function combinedRps(slices: readonly Pick<LoadResult, "requests" | "seconds">[]): number {
  const seconds = slices.reduce((n, s) => n + s.seconds, 0);
  return seconds > 0 ? slices.reduce((n, s) => n + s.requests, 0) / seconds : Number.NaN;
}

export async function measureEraPairs(
  pairs: readonly EraPair[],
  options: { concurrency: readonly number[]; rounds: number; secondsPerSlice: number; warmupSeconds: number; log: (line: string) => void },
): Promise<{ paths: PathResult[]; throughput: EraThroughput[]; pinning?: string }> {
  // On a machine with few cores the load generator and the server otherwise share them, and how a slice's
  // time falls between the two adds noise to a 5 % comparison (issue 17: (b) c16 0.88–0.99 in four idle runs).
  const pinning = separateServersFromLoad(pairs.flatMap((p) => (p.serverPid ? [p.serverPid] : [])));
  if (pinning) options.log(`  pinned: ${pinning.cpus}`);
  try {
    return { ...(await measureRounds(pairs, options)), pinning: pinning?.cpus };
  } finally {
    pinning?.undo();
  }
}

async function measureRounds(
  pairs: readonly EraPair[],
  options: { concurrency: readonly number[]; rounds: number; secondsPerSlice: number; warmupSeconds: number; log: (line: string) => void },
): Promise<{ paths: PathResult[]; throughput: EraThroughput[] }> {
  if (options.warmupSeconds > 0) for (const pair of pairs) for (const path of [pair.legacy, pair.modern]) await runLoad(path.target, { connections: 16, seconds: options.warmupSeconds });
  const paths = new Map<string, PathResult>(pairs.flatMap((p) => [p.legacy, p.modern]).map(({ id, label }) => [id, { id, label, runs: [] }]));
  const throughput: EraThroughput[] = pairs.map((p) => ({ setting: p.setting, byConcurrency: {} }));
  for (const connections of options.concurrency) {
    const load = loadAverage();
    // Per pair and era: every slice (for the pooled latencies) and each round's throughput.
    const slices = pairs.map(() => ({ legacy: [] as LoadResult[], modern: [] as LoadResult[] }));
    const roundRps = pairs.map(() => ({ legacy: [] as number[], modern: [] as number[] }));
    const roundCpu = pairs.map(() => ({ legacy: [] as SliceCpu[][], modern: [] as SliceCpu[][] }));
    for (let round = 0; round < options.rounds; round++) {
      // The settings take turns going first, as the eras do within a setting.
      const order = round % 2 === 0 ? pairs.map((_, i) => i) : pairs.map((_, i) => pairs.length - 1 - i);
      for (const i of order) {
        const pair = pairs[i]!;
        const inRound = { legacy: [] as LoadResult[], modern: [] as LoadResult[] };
        const cpuInRound = { legacy: [] as SliceCpu[], modern: [] as SliceCpu[] };
        for (const era of abbaOrder(round, "legacy" as const, "modern" as const)) {
          const server = pair.serverPid ? processTreeCpuMicros(pair.serverPid) : 0;
          const client = process.cpuUsage();
          const result = await runLoad(pair[era].target, { connections, seconds: options.secondsPerSlice, keepLatencies: true });
          const clientUsed = process.cpuUsage(client);
          inRound[era].push(result);
          cpuInRound[era].push({
            requests: result.requests,
            serverMicros: pair.serverPid ? processTreeCpuMicros(pair.serverPid) - server : 0,
            clientMicros: clientUsed.user + clientUsed.system,
          });
        }
        for (const era of ["legacy", "modern"] as const) {
          slices[i]![era].push(...inRound[era]);
          roundRps[i]![era].push(combinedRps(inRound[era]));
          roundCpu[i]![era].push(cpuInRound[era]);
        }
      }
    }
    pairs.forEach((pair, i) => {
      for (const era of ["legacy", "modern"] as const) {
        const { latencies: _latencies, ...pooled } = poolRuns(slices[i]![era]);
        // The path's req/s is the median round's (the rounds, not the slices, are the unit here).
        const rps = spreadOf(roundRps[i]![era]).median;
        paths.get(pair[era].id)!.runs.push({ ...pooled, rps, runRps: roundRps[i]![era], loadAverage: load } as PathResult["runs"][number]);
      }
      const { ratios, spread } = pairedRatios(roundRps[i]!.modern, roundRps[i]!.legacy);
      throughput[i]!.byConcurrency[String(connections)] = { ...spread, ratios };
      options.log(
        `${pair.setting} c${connections}: 2025-11-25 ${Math.round(spreadOf(roundRps[i]!.legacy).median)} req/s, 2026-07-28 ${Math.round(spreadOf(roundRps[i]!.modern).median)} req/s; ` +
          `per-round ratios ${ratios.map((r) => r.toFixed(2)).join(" ")} → median ${spread.median.toFixed(2)}`,
      );
      if (pair.serverPid) {
        const cpu = cpuOverHttp(roundCpu[i]!);
        (throughput[i]!.cpuByConcurrency ??= {})[String(connections)] = cpu;
        options.log(
          `${pair.setting} c${connections} CPU per request: server 2025-11-25 ${Math.round(cpu.serverLegacyMicros.median)} µs, 2026-07-28 ${Math.round(cpu.serverModernMicros.median)} µs (2026/2025 ${cpu.server.median.toFixed(2)}); ` +
            `load generator ${Math.round(cpu.clientLegacyMicros.median)} / ${Math.round(cpu.clientModernMicros.median)} µs (${cpu.client.median.toFixed(2)})`,
        );
      }
    });
  }
  return { paths: [...paths.values()], throughput };
}

/** Per round, CPU per request of each era on both sides, and the paired ratios 2026/2025. */
function cpuOverHttp(rounds: { legacy: SliceCpu[][]; modern: SliceCpu[][] }): EraCpuOverHttp {
  const micros = (era: "legacy" | "modern", side: "serverMicros" | "clientMicros") => rounds[era].map((slices) => perRequest(slices, side));
  const server = pairedRatios(micros("modern", "serverMicros"), micros("legacy", "serverMicros"));
  const client = pairedRatios(micros("modern", "clientMicros"), micros("legacy", "clientMicros"));
  return {
    serverLegacyMicros: spreadOf(micros("legacy", "serverMicros")),
    serverModernMicros: spreadOf(micros("modern", "serverMicros")),
    server: { ...server.spread, ratios: server.ratios },
    clientLegacyMicros: spreadOf(micros("legacy", "clientMicros")),
    clientModernMicros: spreadOf(micros("modern", "clientMicros")),
    client: { ...client.spread, ratios: client.ratios },
  };
}
