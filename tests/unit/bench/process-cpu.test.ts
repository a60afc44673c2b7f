// The server side of the era comparison's CPU per request (scripts/bench/measure-eras.ts): the CPU a
// process tree used, read from /proc, must follow real work done by a descendant and count nothing else.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { processTreeCpuMicros } from "../../../scripts/bench/measure-eras";

describe("processTreeCpuMicros", () => {
  it("counts the CPU of a process's child (a shell that spins ~0.5 s of CPU), not the time it sleeps", async () => {
    // The parent sleeps; its child (a node process with a ")" in its title) burns CPU, then sleeps too.
    const parent = spawn("sh", ["-c", `${process.execPath} -e 'process.title="spin (a) x)"; const t=Date.now(); while (Date.now()-t < 500); setTimeout(() => {}, 5000)'; sleep 5`], { stdio: "ignore" });
    try {
      const before = processTreeCpuMicros(parent.pid!);
      await new Promise((r) => setTimeout(r, 1_500));
      const used = processTreeCpuMicros(parent.pid!) - before;
      expect(used).toBeGreaterThan(300_000);
      // Sleeping afterwards adds nothing.
      const later = processTreeCpuMicros(parent.pid!);
      await new Promise((r) => setTimeout(r, 300));
      expect(processTreeCpuMicros(parent.pid!) - later).toBeLessThan(50_000);
    } finally {
      parent.kill("SIGKILL");
    }
  });

  it("is 0 for a process that does not exist", () => {
    expect(processTreeCpuMicros(2 ** 22 + 12345)).toBe(0);
  });
});
