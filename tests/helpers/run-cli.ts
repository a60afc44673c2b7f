/**
 * Runs one of the project's CLIs as a person does: a child process in the
 * repository, a minimal environment (NODE_ENV=development unless given), an
 * optional line of standard input. Resolves with the exit code and output.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { Readable } from "node:stream";
import type { CliIo } from "../../scripts/cli/io";
import { SHORT_LIVED_NODE_FLAGS } from "./node-flags.mjs";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a CLI run gets: a minimal one (NODE_ENV=development unless given), not the test's. */
const cliEnv = (env: Record<string, string>): NodeJS.ProcessEnv =>
  ({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "development", ...env }) as NodeJS.ProcessEnv;

export function runCli(command: string, args: string[], env: Record<string, string>, options: { stdin?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: cliEnv(env),
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `scripts/<file>` with arguments, run by tsx's loader in one Node process (`node --import tsx`).
 * The `tsx` command (what `npm run` uses) starts a second Node process for the script and relays
 * signals to it: the same script and loader, one process start more per run (~0.15 s CPU). Tests
 * of the npm wiring run `npm run …`, and so `tsx`, themselves.
 */
export const runScript = (file: string, args: string[], env: Record<string, string>, options?: { stdin?: string; timeoutMs?: number }) =>
  runCli(process.execPath, [...SHORT_LIVED_NODE_FLAGS, "--import", "tsx", path.join("scripts", file), ...args], env, options);

/**
 * A CLI's own entry function (`main(argv, io)` of scripts/cli/…, or of a script that exports it) called
 * in this process, with the output captured: the same result as runScript's without a process start
 * (~0.4 CPU-s for a run that stops at its arguments, more once it loads the database layer). For what is decided before any database opens (arguments, values, usage):
 * the process-level behaviour (exit status, npm wiring, the database lock) stays with runScript.
 * Standard input is the given text, or empty and not a terminal (runScript's "ignore"). `env`, for
 * the commands whose main reads its configuration from io.env, is completed as runScript completes it.
 */
export async function runInProcess(
  main: (argv: readonly string[], io: CliIo) => Promise<number>,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env && cliEnv(options.env),
  });
  return { code, stdout, stderr };
}
