/**
 * Runs one of the project's CLIs as a person does: a child process in the
 * repository, a minimal environment (NODE_ENV=development unless given), an
 * optional line of standard input. Resolves with the exit code and output.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { SHORT_LIVED_NODE_FLAGS } from "./node-flags.mjs";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(command: string, args: string[], env: Record<string, string>, options: { stdin?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "development", ...env },
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
