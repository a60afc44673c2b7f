/**
 * Radicale (the Debian package `radicale`, a real CalDAV/CardDAV server) as
 * the sandbox's calendar and contacts store: one child process per sandbox,
 * on a free loopback port, with its collections in a temporary folder that
 * is removed when the sandbox stops. Radicale trusts the `X-Remote-User`
 * header (auth type http_x_remote_user), which only the sandbox's own
 * bearer-checking front sets; it listens on 127.0.0.1 only.
 *
 * Rights: Radicale's `owner_only` allows one level of collections below a
 * user (/alice/personal/); the sandbox needs two (/alice/calendars/personal/,
 * /alice/addressbooks/contacts/, so that a calendar and an address book may
 * share a name as in Nextcloud), hence a `from_file` rule with the same
 * meaning: a user reads and writes below their own /{user}/ and nothing else.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Radicale's Debian package runs on the system Python. */
export const RADICALE_PYTHON = "/usr/bin/python3";
export const RADICALE_INSTALL_HINT = "apt-get install -y --no-install-recommends radicale";

const START_TIMEOUT_MS = 20_000;

export class RadicaleUnavailableError extends Error {
  constructor(reason: string) {
    super(`Radicale, the sandbox's CalDAV/CardDAV server, ${reason}. Install it with \`${RADICALE_INSTALL_HINT}\` (Debian package radicale); the rest of the sandbox works without it.`);
    this.name = "RadicaleUnavailableError";
  }
}

let availability: boolean | undefined;

/** True when the Radicale module can be imported by the system Python (checked once per process). */
export function radicaleInstalled(): boolean {
  availability ??= spawnSync(RADICALE_PYTHON, ["-c", "import radicale"], { stdio: "ignore", timeout: 10_000 }).status === 0;
  return availability;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RadicaleProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  stop(): Promise<void>;
}

const RIGHTS = `# A user reads and writes their own tree (/{user}/…); everyone may read the root (for discovery).
[owner]
user: .+
collection: {user}(/.*)?
permissions: RrWw

[root]
user: .+
collection:
permissions: R
`;

function config(port: number, folder: string): string {
  return `[server]
hosts = 127.0.0.1:${port}
max_connections = 20
max_content_length = 10000000
timeout = 30

[auth]
type = http_x_remote_user

[rights]
type = from_file
file = ${path.join(folder, "rights")}

[storage]
filesystem_folder = ${path.join(folder, "collections")}

[web]
type = none

[logging]
level = warning
mask_passwords = True
`;
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new RadicaleUnavailableError(`exited at start (${output().trim().slice(-300) || "no output"})`);
    try {
      const response = await fetch(`${url}/`, { method: "OPTIONS", signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new RadicaleUnavailableError(`did not answer within ${START_TIMEOUT_MS / 1000} s`);
}

/** Stops the process group (SIGTERM, then SIGKILL after 5 s) and waits for the exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      child.kill(name);
    }
  };
  signal("SIGTERM");
  const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!killed) {
    signal("SIGKILL");
    await exited;
  }
}

export async function startRadicale(): Promise<RadicaleProcess> {
  if (!radicaleInstalled()) throw new RadicaleUnavailableError("is not installed");
  const folder = mkdtempSync(path.join(tmpdir(), "nextcloud-sandbox-dav-"));
  writeFileSync(path.join(folder, "rights"), RIGHTS);
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    writeFileSync(path.join(folder, "config"), config(port, folder));
    // Own process group, so stop() reaches anything Radicale might start; no inherited environment secrets needed.
    const child = spawn(RADICALE_PYTHON, ["-m", "radicale", "--config", path.join(folder, "config")], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      // A minimal environment (nothing of ours leaks into Radicale); the project's ProcessEnv type demands NODE_ENV, which Python ignores.
      env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", NODE_ENV: "production" },
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4_000);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    // Never leave Radicale behind when the process that started it ends without stopping the sandbox.
    const killOnExit = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    process.once("exit", killOnExit);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(url, child, () => output);
    } catch (error) {
      await stopChild(child);
      process.off("exit", killOnExit);
      // Another process may have taken the port between our probe and Radicale's bind: try a new one.
      if (attempt < 3 && /Address already in use/i.test(output)) continue;
      removeFolder();
      throw error;
    }
    return {
      url,
      async stop() {
        await stopChild(child);
        process.off("exit", killOnExit);
        removeFolder();
      },
    };
  }
}
