/**
 * Preloaded into the next-server process by `npm run bench -- --profile`
 * (NODE_OPTIONS=--require …; Node 20 refuses --cpu-prof in NODE_OPTIONS).
 * The same V8 sampling profiler as --cpu-prof (1 ms interval), but bracketing
 * exactly the load window: the first SIGUSR2 starts it, the second writes
 * <BENCH_CPU_PROFILE_DIR>/next-server-<pid>.cpuprofile.
 */
const fs = require("node:fs");
const path = require("node:path");
const inspector = require("node:inspector");

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on("SIGUSR2", () => {
    if (!running) {
      running = true;
      session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 1000 }, () => session.post("Profiler.start")));
      return;
    }
    running = false;
    session.post("Profiler.stop", (error, result) => {
      if (error) return process.stderr.write(`cpu profile failed: ${error.message}\n`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `next-server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      process.stderr.write("cpu profile written\n");
    });
  });
}
