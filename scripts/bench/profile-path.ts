/**
 * `npm run bench -- --profile DIR`: one CPU profile of the hottest path, the
 * full tool call (d) on the embedded defaults (PGlite), or of `whoami` with
 * authentication (c). The next-server process preloads cpu-profile-preload.cjs
 * (V8's sampling profiler, as --cpu-prof); after a warm-up, SIGUSR2 starts
 * the profiler, the path is loaded at concurrency 16, a second SIGUSR2 writes
 * the profile, which is then summarized by module and function.
 * Open the .cpuprofile itself in Chrome DevTools (Performance) for the tree.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runLoad, toolCallTarget } from "./run-load";
import { startFullStack } from "./start-bench-stack";
import { formatSummary, summarizeCpuProfile } from "./summarize-cpu-profile";

export async function profileFullPath(options: { dir: string; seconds: number; tool?: "nc_notes_get" | "whoami" }): Promise<void> {
  const dir = path.resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const stack = await startFullStack("pglite", {
    NODE_OPTIONS: `--require ${path.join(import.meta.dirname, "cpu-profile-preload.cjs")}`,
    BENCH_CPU_PROFILE_DIR: dir,
  });
  const tool = options.tool ?? "nc_notes_get";
  const pid = stack.app.process.pid!;
  const file = path.join(dir, `next-server-${pid}.cpuprofile`);
  rmSync(file, { force: true });
  let measured;
  try {
    const target = toolCallTarget(`${stack.app.url}/api/mcp`, tool, tool === "whoami" ? {} : { id: stack.noteId }, stack.mcpToken);
    await runLoad(target, { connections: 16, seconds: 3 });
    process.kill(pid, "SIGUSR2");
    measured = await runLoad(target, { connections: 16, seconds: options.seconds });
    process.kill(pid, "SIGUSR2");
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await new Promise((r) => setTimeout(r, 500)); // let the write finish
    await stack.stop();
  }
  if (!existsSync(file)) throw new Error(`no CPU profile was written to ${dir}`);
  const summary = summarizeCpuProfile(file);
  const text = `${tool} at c16 for ${options.seconds} s: ${Math.round(measured.rps)} req/s, p50 ${measured.p50.toFixed(2)} ms, p99 ${measured.p99.toFixed(2)} ms, ${measured.errors} errors\nprofile: ${path.relative(process.cwd(), file)}\n\n${formatSummary(summary)}`;
  writeFileSync(path.join(dir, `summary-${tool}.json`), `${JSON.stringify({ tool, load: measured, profile: file, summary }, null, 2)}\n`);
  writeFileSync(path.join(dir, `summary-${tool}.txt`), `${text}\n`);
  console.log(text);
}
