// The server side of the era comparison's CPU per request (scripts/bench/measure-eras.ts): the CPU a
// process tree used, read from /proc, must follow real work done by a descendant and count nothing else.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { descendantsOf } from "../../helpers/process-tree.mjs";
import { allowedCpus, pinProcessTree, processTreeCpuMicros, separateServersFromLoad } from "../../../scripts/bench/measure-eras";

/** The CPUs a process may run on, read independently of allowedCpus. */
const allowed = (pid: number) => readFileSync(`/proc/${pid}/status`, "utf8").match(/^Cpus_allowed_list:\s*(\S+)$/m)![1]!;

describe("processTreeCpuMicros", () => {
  it("counts the CPU of a process's child (a shell that spins ~0.5 s of CPU), not the time it sleeps", async () => {
    // The parent sleeps; its child (a node process with a ")" in its title) burns 0.5 s of its own CPU time
    // (not 0.5 s of wall time, which a loaded machine would turn into less CPU), says so, then sleeps too.
    const spin = `process.title="spin (a) x)"; const cpu=()=>{const u=process.cpuUsage(); return u.user+u.system}; while (cpu() < 500000); process.stdout.write("spun\\n"); setTimeout(() => {}, 5000)`;
    const parent = spawn("sh", ["-c", `${process.execPath} -e '${spin}'; sleep 5`], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const before = processTreeCpuMicros(parent.pid!);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the child did not finish spinning within 20 s")), 20_000);
        parent.stdout!.on("data", (d: Buffer) => {
          if (d.toString().includes("spun")) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
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

describe.runIf(availableParallelism() >= 2)("pinning the era comparison's processes (taskset)", () => {
  it("pins a process tree, child included; separateServersFromLoad puts the servers on the last CPU and the load on the others, then gives each back its own CPUs", async () => {
    // Two stand-ins, so the test runner's own CPUs are never touched: a server (a shell with a node child) and a load generator.
    const server = spawn("sh", ["-c", `${process.execPath} -e 'setTimeout(() => {}, 10000)'; sleep 10`], { stdio: "ignore" });
    const load = spawn("sleep", ["10"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const child = descendantsOf(server.pid!)[0]!;
      expect(pinProcessTree(server.pid!, "0")).toBe(true);
      expect([allowed(server.pid!), allowed(child), allowedCpus(child)]).toEqual(["0", "0", "0"]);
      const last = availableParallelism() - 1;
      const loadBefore = allowed(load.pid!);
      const pinned = separateServersFromLoad([server.pid!], load.pid!);
      expect(pinned?.cpus).toBe(`server on CPU ${last}, load generator on CPU ${last === 1 ? "0" : `0-${last - 1}`}`);
      expect([allowed(server.pid!), allowed(child)]).toEqual([String(last), String(last)]);
      expect(allowed(load.pid!)).toBe(last === 1 ? "0" : `0-${last - 1}`);
      pinned!.undo();
      // Each gets back what it had, not "every CPU": the server had been pinned to CPU 0 above.
      expect([allowed(server.pid!), allowed(child)]).toEqual(["0", "0"]);
      expect(allowed(load.pid!)).toBe(loadBefore);
    } finally {
      server.kill("SIGKILL");
      load.kill("SIGKILL");
    }
  });

  it("says false (pinProcessTree) and undefined (allowedCpus) for a process that does not exist", () => {
    expect(pinProcessTree(2 ** 22 + 12345, "0")).toBe(false);
    expect(allowedCpus(2 ** 22 + 12345)).toBeUndefined();
  });
});
