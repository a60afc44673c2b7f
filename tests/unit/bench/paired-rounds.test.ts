import { describe, expect, it } from "vitest";
import { combinedRps } from "../../../scripts/bench/measure-eras";
import { abbaOrder, formatSpread, pairedRatios, pooledRatios, quantile, spreadOf } from "../../../scripts/bench/paired-rounds";

describe("abbaOrder", () => {
  it("runs A B B A on even rounds and B A A B on odd ones, so each path goes first and last equally often", () => {
    expect(abbaOrder(0, "a", "b")).toEqual(["a", "b", "b", "a"]);
    expect(abbaOrder(1, "a", "b")).toEqual(["b", "a", "a", "b"]);
    const firsts = Array.from({ length: 8 }, (_, r) => abbaOrder(r, "a", "b")[0]);
    expect(firsts.filter((f) => f === "a")).toHaveLength(4);
    // Within a round each path holds two slots, and the mean slot position is the same for both.
    for (const round of [0, 1]) {
      const order = abbaOrder(round, "a", "b");
      const mean = (p: string) => order.flatMap((x, i) => (x === p ? [i] : [])).reduce((s, i) => s + i, 0) / 2;
      expect(mean("a")).toBe(mean("b"));
    }
  });
});

describe("quantile and spreadOf", () => {
  it("interpolates between ranks", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10], 0.75)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it("summarizes unsorted values and ignores non-finite ones", () => {
    const s = spreadOf([5, 1, 4, 2, 3, Number.NaN, Number.POSITIVE_INFINITY]);
    expect(s).toEqual({ n: 5, median: 3, q1: 2, q3: 4, min: 1, max: 5 });
    expect(spreadOf([]).n).toBe(0);
    expect(spreadOf([]).median).toBeNaN();
  });
});

describe("pairedRatios", () => {
  it("divides within each round, so a slow round slows both paths and cancels out", () => {
    // Round 2 ran while the machine was busy: both paths at half speed; the ratio stays 0.9.
    const { ratios, spread } = pairedRatios([900, 450, 900, 880], [1000, 500, 1000, 1000]);
    expect(ratios.map((r) => Number(r.toFixed(3)))).toEqual([0.9, 0.9, 0.9, 0.88]);
    expect(spread.median).toBeCloseTo(0.9, 10);
    expect(spread.min).toBeCloseTo(0.88, 10);
    expect(spread.n).toBe(4);
  });

  it("refuses rounds that do not pair up", () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(/pair up/);
  });
});

describe("formatSpread", () => {
  it("reads median, quartiles, range and the number of rounds", () => {
    expect(formatSpread(spreadOf([0.9, 1, 1.1]))).toBe("1.00 (IQR 0.95–1.05, range 0.90–1.10, 3 rounds)");
    expect(formatSpread(spreadOf([1]))).toBe("1.00 (IQR 1.00–1.00, range 1.00–1.00, 1 round)");
  });
});

describe("combinedRps", () => {
  it("is all requests over all seconds, not the mean of the slices' rates", () => {
    expect(combinedRps([{ requests: 100, seconds: 1 }, { requests: 300, seconds: 3 }])).toBe(100);
    expect(combinedRps([{ requests: 100, seconds: 1 }, { requests: 100, seconds: 0.5 }])).toBeCloseTo(133.33, 2);
    expect(combinedRps([])).toBeNaN();
  });
});

describe("pooledRatios", () => {
  it("takes every concurrency's rounds together: one low cell does not decide the setting, a low setting does", () => {
    const level = { "1": { ratios: [1.02, 0.98, 1.0] }, "16": { ratios: [0.9, 0.92, 0.93] }, "64": { ratios: [1.05, 1.0, 0.99] } };
    expect(pooledRatios(level)).toMatchObject({ n: 9, median: 0.99 });
    const slower = { "1": { ratios: [0.9, 0.91, 0.93] }, "16": { ratios: [0.92, 0.9, 1.0] }, "64": { ratios: [0.88, 0.94, 0.96] } };
    expect(pooledRatios(slower).median).toBeLessThan(0.95);
    expect(pooledRatios({}).n).toBe(0);
  });
});

