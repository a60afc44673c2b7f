/**
 * A measurement that runs in a child process of its own (a fresh module graph, optionally pinned
 * to CPU 0) and hands its result back as one JSON line on stdout: the child side prints it, the
 * parent side runs the child and reads it.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Runs `node --import tsx <file> …args` and returns the JSON of its last stdout line. With `pin`,
 * under `taskset -c 0` when taskset exists (`pinned` says whether it did).
 */
export function runJsonChild<T>(file: string, args: readonly string[], options: { pin?: boolean } = {}): { result: T; pinned: boolean } {
  const argv = ["--import", "tsx", path.resolve(file), ...args];
  const run = (command: string, commandArgs: string[]) => spawnSync(command, commandArgs, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024, env: process.env });
  let pinned = options.pin === true;
  let child = pinned ? run("taskset", ["-c", "0", process.execPath, ...argv]) : run(process.execPath, argv);
  if (pinned && child.error) {
    pinned = false;
    child = run(process.execPath, argv);
  }
  const line = child.stdout.trim().split("\n").pop() ?? "";
  if (child.status !== 0 || !line.startsWith("{")) throw new Error(`${path.basename(file)} failed (${child.status}): ${child.stderr.slice(-2000)}`);
  return { result: JSON.parse(line) as T, pinned };
}

/** The child side: when `moduleUrl` is the script node was started with, prints `measure()`'s result as one JSON line and exits. */
export function printJsonWhenRunDirectly(moduleUrl: string, measure: () => Promise<unknown>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  measure().then(
    (result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
