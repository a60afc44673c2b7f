import { describe, expect, it } from "vitest";
import { forgetProcessWide, peekProcessWide, processWide, processWideAsync } from "@/lib/process-wide";

const fresh = () => `test-${Math.random()}`;

describe("processWide", () => {
  it("creates a value once per name and gives every caller of that name the same one", () => {
    const name = fresh();
    let created = 0;
    const make = () => ({ n: ++created });
    const first = processWide(name, make);
    expect(processWide(name, make)).toBe(first);
    expect(created).toBe(1);
    expect(processWide(`${name}-other`, make)).not.toBe(first);
  });

  it("keeps the value under the symbol other copies of a module (and tests) use", () => {
    const name = fresh();
    const value = processWide(name, () => "shared");
    const holder = globalThis as Record<symbol, unknown>;
    expect(holder[Symbol.for(`nextcloud-mcp.${name}`)]).toBe(value);
    delete holder[Symbol.for(`nextcloud-mcp.${name}`)];
    expect(processWide(name, () => "fresh")).toBe("fresh");
  });
});

describe("processWideAsync", () => {
  it("shares one in-flight creation between concurrent callers", async () => {
    const name = fresh();
    let created = 0;
    let finish!: (value: { n: number }) => void;
    const make = () => {
      created++;
      return new Promise<{ n: number }>((resolve) => (finish = resolve));
    };
    const callers = [processWideAsync(name, make), processWideAsync(name, make), processWideAsync(name, make)];
    expect(created).toBe(1);
    expect(callers[1]).toBe(callers[0]);
    finish({ n: 1 });
    const values = await Promise.all(callers);
    expect(new Set(values).size).toBe(1);
    expect(await processWideAsync(name, make)).toBe(values[0]);
    expect(created).toBe(1);
    expect(peekProcessWide(name)).toBe(callers[0]);
  });

  it("forgets a rejected creation: its waiters get the error, the next call retries", async () => {
    const name = fresh();
    let attempts = 0;
    const make = async () => {
      attempts++;
      if (attempts === 1) throw new Error("database down");
      return "open";
    };
    const first = processWideAsync(name, make);
    const second = processWideAsync(name, make);
    await expect(first).rejects.toThrow("database down");
    await expect(second).rejects.toThrow("database down");
    expect(peekProcessWide(name)).toBeUndefined();
    expect(await processWideAsync(name, make)).toBe("open");
    expect(attempts).toBe(2);
  });

  it("turns a creation that throws synchronously into a rejection, also forgotten", async () => {
    const name = fresh();
    await expect(
      processWideAsync(name, () => {
        throw new Error("bad config");
      }),
    ).rejects.toThrow("bad config");
    expect(await processWideAsync(name, async () => 42)).toBe(42);
  });

  it("reset: forgetProcessWide drops the value (returning it) so the next call creates a new one", async () => {
    const name = fresh();
    let n = 0;
    const make = async () => ++n;
    const first = processWideAsync(name, make);
    expect(await first).toBe(1);
    expect(forgetProcessWide(name)).toBe(first);
    expect(await processWideAsync(name, make)).toBe(2);
  });

  it("a reset during a creation that then fails does not drop the newer value; `only` drops only the named value", async () => {
    const name = fresh();
    let fail!: (error: Error) => void;
    const old = processWideAsync(name, () => new Promise<string>((_, reject) => (fail = reject)));
    forgetProcessWide(name);
    const newer = processWideAsync(name, async () => "newer");
    fail(new Error("old one failed"));
    await expect(old).rejects.toThrow("old one failed");
    expect(peekProcessWide(name)).toBe(newer);
    expect(forgetProcessWide(name, old)).toBeUndefined();
    expect(peekProcessWide(name)).toBe(newer);
    expect(forgetProcessWide(name, newer)).toBe(newer);
    expect(peekProcessWide(name)).toBeUndefined();
  });
});
