import { describe, expect, it } from "vitest";
import { processWide } from "@/lib/process-wide";

describe("processWide", () => {
  it("creates a value once per name and gives every caller of that name the same one", () => {
    const name = `test-${Math.random()}`;
    let created = 0;
    const make = () => ({ n: ++created });
    const first = processWide(name, make);
    expect(processWide(name, make)).toBe(first);
    expect(created).toBe(1);
    expect(processWide(`${name}-other`, make)).not.toBe(first);
  });

  it("keeps the value under the symbol other copies of a module (and tests) use", () => {
    const name = `test-${Math.random()}`;
    const value = processWide(name, () => "shared");
    const holder = globalThis as Record<symbol, unknown>;
    expect(holder[Symbol.for(`nextcloud-mcp.${name}`)]).toBe(value);
    delete holder[Symbol.for(`nextcloud-mcp.${name}`)];
    expect(processWide(name, () => "fresh")).toBe("fresh");
  });
});
