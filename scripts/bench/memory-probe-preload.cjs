/**
 * Preloaded into the next-server process by the benchmark's memory phase
 * (NODE_OPTIONS=--require …). RSS alone cannot tell a leak from a heap that
 * V8 merely grew: on SIGUSR2 this runs full garbage collections and appends
 * one line of JSON to <BENCH_MEMORY_FILE>: RSS, V8's heap (used and total)
 * and the memory outside it (`external`: Buffers, WebAssembly memories such
 * as PGlite's and Prisma's query compiler), all in bytes. With
 * BENCH_HEAP_SNAPSHOT_DIR set, it also writes a heap snapshot there, for
 * comparing two moments in Chrome DevTools (Memory → Comparison).
 */
const fs = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  let count = 0;
  process.on("SIGUSR2", () => {
    // Two passes: the first may only queue finalizers (WeakRefs, FinalizationRegistry).
    gc();
    setImmediate(() => {
      gc();
      const usage = process.memoryUsage();
      const line = { at: new Date().toISOString(), rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers };
      const snapshots = process.env.BENCH_HEAP_SNAPSHOT_DIR;
      if (snapshots) {
        fs.mkdirSync(snapshots, { recursive: true });
        line.snapshot = v8.writeHeapSnapshot(path.join(snapshots, `next-server-${process.pid}-${++count}.heapsnapshot`));
      }
      fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
    });
  });
}
