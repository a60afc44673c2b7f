/**
 * Starts the real application (`next start` on the production build) on
 * 127.0.0.1 with the given environment, and stops it with everything it
 * started (process-tree.mjs).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { SHORT_LIVED_NODE_FLAGS } from "./node-flags.mjs";
import { freePort } from "./ports";
import { alive, descendantsOf, stopProcesses } from "./process-tree.mjs";

export interface AppServer {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** A fixed test key (production mode requires one); never used outside tests. */
export const TEST_ENCRYPTION_KEYS = "test1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

// Re-exported for the helpers that spawn the app themselves (idp-app.ts).
export { descendantsOf, stopProcesses };

export function spawnApp(env: Record<string, string>, port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...SHORT_LIVED_NODE_FLAGS, NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
      APP_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      // The start-up doctor would add requests to the sandbox every test counts; doctor.test.ts turns it on.
      DOCTOR_ON_START: "false",
      // Likewise the search index's background sync (refreshes the stored grant); sync-jobs tests turn it on.
      BACKGROUND_JOBS: "off",
      ...env,
    },
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function startApp(env: Record<string, string> = {}, options: { timeoutMs?: number } = {}): Promise<AppServer> {
  const port = await freePort();
  const { child, output, exited } = spawnApp(env, port);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const tree = () => [child.pid!, ...descendantsOf(child.pid!)];
  // Remembered once the app answers: if `next start` dies first, its server child is no longer below it.
  let known: number[] = [];
  const stop = async () => {
    const pids = [...new Set([...known, ...(exitCode === undefined ? tree() : [])])].filter(alive);
    if (pids.length > 0) await stopProcesses(pids, exited);
  };
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`The app exited with code ${exitCode} during start-up:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) {
        known = tree();
        return { url, port, process: child, output, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await stop();
  throw new Error(`The app did not become healthy within the time limit:\n${output()}`);
}

/** Runs the app expecting it to refuse to start; resolves with its exit code and output. */
export async function expectStartFailure(env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const { child, output, exited } = spawnApp(env, port);
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }, timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}
