import { describe, expect, it } from "vitest";
import { percentile, poolRuns, type LoadResult } from "../../../scripts/bench/run-load";

const run = (rps: number, latencies: number[], errors = 0, firstError?: string): LoadResult => ({
  connections: 16,
  requests: latencies.length,
  seconds: latencies.length / rps,
  rps,
  p50: Number.NaN,
  p95: Number.NaN,
  p99: Number.NaN,
  errors,
  firstError,
  latencies,
});

describe("percentile", () => {
  it("takes the nearest rank of a sorted list", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("poolRuns", () => {
  it("pools the latencies of every round for the percentiles and sums errors, requests and time", () => {
    const pooled = poolRuns([run(100, [1, 2, 3, 4]), run(50, [10, 20], 1, "HTTP 503"), run(80, [5, 6, 7, 8])]);
    expect(pooled.requests).toBe(10);
    expect(pooled.errors).toBe(1);
    expect(pooled.firstError).toBe("HTTP 503");
    expect(pooled.p50).toBe(5);
    expect(pooled.p99).toBe(20);
    expect(pooled.seconds).toBeCloseTo(0.04 + 0.04 + 0.05);
  });

  it("reports the median round's throughput, so one disturbed round does not move it", () => {
    expect(poolRuns([run(300, [1]), run(40, [1]), run(320, [1])]).rps).toBe(300);
    expect(poolRuns([run(300, [1]), run(100, [1])]).rps).toBe(200);
    expect(poolRuns([run(300, [1]), run(40, [1]), run(320, [1])]).runRps).toEqual([300, 40, 320]);
  });
});
