/**
 * The benchmark's one table (and the lines under it) from the same data that
 * is written as JSON, so the printed and the stored numbers never disagree.
 */
import type { MachineInfo } from "./describe-machine";
import type { EraCpuResult } from "./measure-era-cpu";
import type { EraThroughput } from "./measure-eras";
import type { InProcessResults } from "./measure-verifier";
import { formatSpread } from "./paired-rounds";
import type { MemoryProbe } from "./measure-rss";
import type { LoadResult } from "./run-load";

export interface PathRun extends LoadResult {
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverage: [number, number, number];
}

export interface PathResult {
  id: string;
  label: string;
  runs: PathRun[];
}

export interface Ratio {
  label: string;
  /** Throughput ratio per concurrency. */
  byConcurrency: Record<string, number>;
}

export interface MemoryResult {
  calls: number;
  connections: number;
  seconds: number;
  errors: number;
  beforeMiB: number;
  afterMiB: number;
  growthPercent: number;
  processes: number;
  /** The same moments read again after full garbage collections (memory-probe-preload.cjs): leak or headroom? */
  afterFullGc?: { before: MemoryProbe; after: MemoryProbe };
}

/** MCP 2026-07-28 against 2025-11-25: paired rounds over HTTP, and the CPU per request in-process. */
export interface EraComparison {
  rounds: number;
  secondsPerSlice: number;
  throughput: EraThroughput[];
  /** Where the servers and the load generator ran during the throughput slices (taskset), when pinned. */
  pinning?: string;
  cpu?: EraCpuResult & { pinned: boolean; loadAverage: [number, number, number] };
}

export interface Goal {
  goal: string;
  value: string;
  met: boolean;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  loadAverageAtEnd: [number, number, number];
  settings: { secondsPerRun: number; concurrency: number[]; warmupSeconds: number; build: string; rounds?: number };
  paths: PathResult[];
  /** Absent in an `--eras-only` run. */
  inProcess?: InProcessResults;
  ratios: Ratio[];
  eras?: EraComparison;
  memory?: MemoryResult;
  goals: Goal[];
}

const num = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const int = (n: number) => Math.round(n).toLocaleString("en-US");

export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(
    `npm run bench — ${report.startedAt} — Node ${m.node}, ${m.cpuModel}, nproc ${m.nproc}, load ${m.loadAverage.join(" ")} at start, ${report.loadAverageAtEnd.join(" ")} at end`,
  );
  const rounds = report.settings.rounds && report.settings.rounds > 1 ? ` ((b) and (c) turn about in ${report.settings.rounds} rounds: req/s of the median round, latencies pooled)` : "";
  lines.push(`${report.settings.secondsPerRun} s per run after ${report.settings.warmupSeconds} s warm-up${rounds}, autocannon keep-alive connections; latencies in ms; build ${report.settings.build}`);
  lines.push("");
  const width = Math.max(...report.paths.map((p) => p.label.length), 20);
  const header = `${"path".padEnd(width)}  ${"conc".padStart(4)}  ${"req/s".padStart(8)}  ${"p50".padStart(7)}  ${"p95".padStart(7)}  ${"p99".padStart(7)}  ${"errors".padStart(6)}  load(1m)`;
  lines.push(header, "-".repeat(header.length));
  for (const path of report.paths) {
    path.runs.forEach((r, i) => {
      const label = i === 0 ? path.label : "";
      lines.push(
        `${label.padEnd(width)}  ${String(r.connections).padStart(4)}  ${int(r.rps).padStart(8)}  ${num(r.p50).padStart(7)}  ${num(r.p95).padStart(7)}  ${num(r.p99).padStart(7)}  ${String(r.errors).padStart(6)}  ${num(r.loadAverage[0], 1)}`,
      );
    });
  }
  lines.push("-".repeat(header.length));
  if (report.inProcess) {
    const pinned = report.inProcess.pinned ? "one core (taskset -c 0)" : "not pinned";
    for (const v of report.inProcess.verifier) {
      lines.push(`(f) token verifier in-process, ${v.alg}, ${pinned}: ${int(v.coldPerSecond)} verifications/s (new token each time), ${int(v.warmPerSecond)}/s (same token, cached)`);
    }
    lines.push(`    McpServer + transport built per request: ${num(report.inProcess.mcpServerMicros, 1)} µs`);
  }
  for (const ratio of report.ratios) {
    lines.push(`ratio ${ratio.label}: ${Object.entries(ratio.byConcurrency).map(([c, v]) => `c${c} ${num(v)}`).join(", ")}`);
  }
  if (report.eras) lines.push(...formatEras(report.eras));
  const mem = report.memory;
  if (mem) {
    lines.push(
      `RSS of the next-server process group (${mem.processes} processes): ${num(mem.beforeMiB, 1)} MiB before, ${num(mem.afterMiB, 1)} MiB after ${int(mem.calls)} full-path calls ` +
        `(c${mem.connections}, ${num(mem.seconds, 1)} s, ${mem.errors} errors): ${mem.growthPercent >= 0 ? "+" : ""}${num(mem.growthPercent, 1)} %`,
    );
    const gc = mem.afterFullGc;
    if (gc) {
      const pct = (a: number, b: number) => `${b >= a ? "+" : ""}${num(((b - a) / a) * 100, 1)} %`;
      lines.push(
        `    the same moments after full GCs: RSS ${num(gc.before.rssMiB, 1)} → ${num(gc.after.rssMiB, 1)} MiB (${pct(gc.before.rssMiB, gc.after.rssMiB)}), ` +
          `V8 heap used ${num(gc.before.heapUsedMiB, 1)} → ${num(gc.after.heapUsedMiB, 1)} MiB (${pct(gc.before.heapUsedMiB, gc.after.heapUsedMiB)}), ` +
          `heap reserved ${num(gc.before.heapTotalMiB, 1)} → ${num(gc.after.heapTotalMiB, 1)} MiB, outside the heap (WebAssembly, buffers) ${num(gc.before.externalMiB, 1)} → ${num(gc.after.externalMiB, 1)} MiB`,
      );
    }
  }
  lines.push("", "goals:");
  for (const g of report.goals) lines.push(`  ${g.met ? "met    " : "MISSED "} ${g.goal}: ${g.value}`);
  return lines.join("\n");
}

/** The era comparison: every per-round ratio's summary, so the spread is read next to the median. */
export function formatEras(eras: EraComparison): string[] {
  const lines = [
    `MCP 2026-07-28 / 2025-11-25, median of per-round ratios (IQR, range); throughput over HTTP in ${eras.rounds} ABBA rounds of ${eras.secondsPerSlice} s slices (${eras.pinning ?? "not pinned"}):`,
  ];
  for (const t of eras.throughput) {
    lines.push(`  ${t.setting} throughput: ${Object.entries(t.byConcurrency).map(([c, s]) => `c${c} ${formatSpread(s)}`).join("; ")}`);
    for (const [c, cpu] of Object.entries(t.cpuByConcurrency ?? {})) {
      lines.push(
        `    c${c} CPU per request over HTTP: server ${num(cpu.serverLegacyMicros.median, 0)} / ${num(cpu.serverModernMicros.median, 0)} µs, 2026/2025 ${formatSpread(cpu.server)}; ` +
          `load generator ${num(cpu.clientLegacyMicros.median, 0)} / ${num(cpu.clientModernMicros.median, 0)} µs, ${formatSpread(cpu.client)}`,
      );
    }
  }
  const cpu = eras.cpu;
  if (cpu) {
    lines.push(`  CPU per tools/call ${cpu.tool}, in-process (handleMcpPost; ${cpu.rounds} ABBA rounds of 4 × ${cpu.batch} calls; ${cpu.pinned ? "one core (taskset -c 0)" : "not pinned"}; load ${cpu.loadAverage.join(" ")}):`);
    for (const [setting, r] of [["Flow 1 token", cpu.token], ["auth disabled", cpu.disabled]] as const) {
      lines.push(`    ${setting}: 2025-11-25 ${num(r.legacyMicros.median, 0)} µs, 2026-07-28 ${num(r.modernMicros.median, 0)} µs; 2026/2025 ${formatSpread(r.ratio)}`);
    }
  }
  return lines;
}
