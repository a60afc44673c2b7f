import { afterEach, describe, expect, it } from "vitest";
import { printLibraryWarningsOnce } from "@/lib/server/runtime-notices";

const KEY = Symbol.for("nextcloud-mcp.library-warnings-once");
const original = console.warn;
afterEach(() => {
  console.warn = original;
  delete (globalThis as Record<symbol, unknown>)[KEY];
});

describe("printLibraryWarningsOnce", () => {
  it("lets oidc-provider's runtime warning through once per process, coloured or not, and nothing else is dropped", () => {
    const printed: unknown[][] = [];
    console.warn = (...args: unknown[]) => void printed.push(args);
    printLibraryWarningsOnce();
    printLibraryWarningsOnce(); // installed once: a second call must not wrap twice
    const warning = "oidc-provider WARNING: Unsupported runtime. Use Node.js v22.x LTS, or a later LTS release.";
    for (let i = 0; i < 97; i++) console.warn(i % 2 ? warning : `\x1b[31;1m${warning}\x1b[0m`);
    console.warn("oidc-provider WARNING: something else");
    console.warn("an app warning", { n: 1 });
    console.warn("an app warning", { n: 1 });
    expect(printed).toHaveLength(4);
    expect(printed.filter(([text]) => String(text).includes("Unsupported runtime"))).toHaveLength(1);
    expect(printed.slice(2)).toEqual([["an app warning", { n: 1 }], ["an app warning", { n: 1 }]]);
  });
});
