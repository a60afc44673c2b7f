// Stopping a test server together with everything it started. A server we
// spawn can have children of its own (tsx's esbuild service, a wrapper's
// `next start`), and some of them lead process groups of their own, so one
// kill of one group is not enough. Plain JavaScript, so that both the
// TypeScript helpers (app-server.ts, external-idp.ts) and tests/e2e/serve.mjs
// (run by node without tsx) share one implementation; types in
// process-tree.d.mts.
import { execFileSync } from "node:child_process";

/** Every process below `pid`, children before grandchildren (from `ps`, so it sees across process groups). */
export function descendantsOf(pid) {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  } catch {
    return [];
  }
  return out
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .flatMap((kid) => [kid, ...descendantsOf(kid)]);
}

/** `pid` and everything below it. */
export function processTree(pid) {
  return [pid, ...descendantsOf(pid)];
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalAll(pids, signal) {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, signal);
      } catch {
        // not a group leader, or already gone
      }
    }
  }
}

/** SIGTERM to every process (and the group it leads), SIGKILL after 5 s to whatever is left (no orphaned servers). */
export async function stopProcesses(pids, exited) {
  signalAll(pids, "SIGTERM");
  const deadline = Date.now() + 5_000;
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const left = pids.filter(alive);
  if (left.length > 0) signalAll(left, "SIGKILL");
}

/** The synchronous last resort, for process "exit" handlers (no awaiting there): SIGKILL to every process and its group. */
export function killProcessesNow(pids) {
  signalAll(pids.filter(alive), "SIGKILL");
}
