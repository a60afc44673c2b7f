/**
 * Comparing two paths on a shared, loaded machine: paired rounds.
 *
 * Measured one after the other, the two paths see different moments of the
 * machine (another process's build, a GC that one path's garbage started),
 * and rounds of one path spread up to 2.5× here. So each round measures both
 * paths close together, in ABBA order (A B B A, then B A A B in the next
 * round) so neither path always goes first or second, and the comparison is
 * the ratio *within* each round; the verdict is the median of those per-round
 * ratios, reported with its spread (quartiles, min–max) so a reader can see
 * whether the median is a decision or a coin toss.
 */

/** Which path runs in each of the four slots of round `round`: ABBA on even rounds, BAAB on odd ones. */
export function abbaOrder<T>(round: number, a: T, b: T): [T, T, T, T] {
  return round % 2 === 0 ? [a, b, b, a] : [b, a, a, b];
}

export interface Spread {
  /** How many values (rounds). */
  n: number;
  median: number;
  /** First and third quartiles (linear interpolation between ranks). */
  q1: number;
  q3: number;
  min: number;
  max: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of a sorted list, interpolating linearly between neighbouring ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((x, y) => x - y);
  return { n: sorted.length, median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}

/**
 * The per-round ratios top[i] / bottom[i] of two paths measured in the same
 * rounds, and their spread. Throws when the rounds do not pair up.
 */
export function pairedRatios(top: readonly number[], bottom: readonly number[]): { ratios: number[]; spread: Spread } {
  if (top.length !== bottom.length) throw new Error(`paired rounds must pair up: ${top.length} against ${bottom.length}`);
  const ratios = top.map((t, i) => t / bottom[i]!);
  return { ratios, spread: spreadOf(ratios) };
}

/** "0.97 (IQR 0.93–1.01, range 0.85–1.12, 8 rounds)" */
export function formatSpread(s: Spread, digits = 2): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : "–");
  return `${f(s.median)} (IQR ${f(s.q1)}–${f(s.q3)}, range ${f(s.min)}–${f(s.max)}, ${s.n} round${s.n === 1 ? "" : "s"})`;
}

/**
 * The per-round ratios of several concurrencies taken together. A setting's verdict rests on all of them:
 * with 8–16 rounds per concurrency a cell's median still moves by ±5 % between idle runs (issue 17's bench:
 * the cell below 0.95 changed from run to run while the two eras' CPU per request stayed level), so one
 * verdict per cell would fail some cell of a no-difference comparison in most runs.
 */
export function pooledRatios(byConcurrency: Record<string, { ratios: readonly number[] }>): Spread {
  return spreadOf(Object.values(byConcurrency).flatMap((cell) => cell.ratios));
}
