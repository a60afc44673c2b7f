/**
 * The two MCP protocol eras over HTTP, compared in paired rounds: for each
 * setting ((b) auth disabled, (c) Flow 1) and concurrency, `rounds` rounds of
 * four slices in ABBA order (2025-11-25, 2026-07-28, 2026-07-28, 2025-11-25;
 * BAAB in the next round; bench/paired-rounds.ts). A path's throughput in a
 * round is its requests over its seconds in that round's two slices; the
 * comparison is the median of the per-round ratios 2026/2025, with its
 * spread. Latencies are pooled over every slice, as in `npm run bench`.
 */
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
}

export interface EraThroughput {
  setting: string;
  /** Per concurrency: the per-round throughput ratios 2026/2025 and their spread. */
  byConcurrency: Record<string, Spread & { ratios: number[] }>;
}

/** Requests per second over several slices: all their requests over all their seconds. */
export function combinedRps(slices: readonly Pick<LoadResult, "requests" | "seconds">[]): number {
  const seconds = slices.reduce((n, s) => n + s.seconds, 0);
  return seconds > 0 ? slices.reduce((n, s) => n + s.requests, 0) / seconds : Number.NaN;
}

export async function measureEraPairs(
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
    for (let round = 0; round < options.rounds; round++) {
      // The settings take turns going first, as the eras do within a setting.
      const order = round % 2 === 0 ? pairs.map((_, i) => i) : pairs.map((_, i) => pairs.length - 1 - i);
      for (const i of order) {
        const pair = pairs[i]!;
        const inRound = { legacy: [] as LoadResult[], modern: [] as LoadResult[] };
        for (const era of abbaOrder(round, "legacy" as const, "modern" as const)) {
          inRound[era].push(await runLoad(pair[era].target, { connections, seconds: options.secondsPerSlice, keepLatencies: true }));
        }
        for (const era of ["legacy", "modern"] as const) {
          slices[i]![era].push(...inRound[era]);
          roundRps[i]![era].push(combinedRps(inRound[era]));
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
    });
  }
  return { paths: [...paths.values()], throughput };
}
