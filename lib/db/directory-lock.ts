/**
 * The embedded database's folder lock: PGlite admits one process per data
 * folder, and two would corrupt it.
 *
 * proper-lockfile: the lock is a directory made with mkdir (atomic), which its
 * holder keeps fresh by touching its mtime every `updateMs`; one untouched for
 * `staleMs` belongs to a process that is gone. Liveness is judged by that
 * heartbeat, never by a PID: a crashed container restarted as PID 1 again, or
 * a PID reused by another process, no longer refuses a restart forever (the
 * old PID-file lock did). It also works between containers that share the
 * volume (separate PID namespaces), where a PID means nothing.
 *
 * Two additions around proper-lockfile:
 * - Taking a stale lock over is "stat, then remove, then mkdir" inside
 *   proper-lockfile; two starters could both judge it stale and the slower
 *   one then remove the faster one's fresh lock, both believing they hold it.
 *   Every attempt therefore runs under a short-lived takeover mutex (a second
 *   mkdir), so judging and removing never interleave between processes.
 * - A lock that is fresh may belong to a process that crashed a moment ago.
 *   The starter watches it: if its mtime moves, a live holder is keeping it
 *   fresh (refused at once, DatabaseInUseError); if it stays still for
 *   `staleMs`, it is taken over. A restart after a crash therefore waits at
 *   most `staleMs`.
 * If the lock is lost while held (another process took it over after this
 * one stalled for longer than `staleMs`), `onCompromised` is called.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import lockfile from "proper-lockfile";

export const LOCK_STALE_MS = 10_000;
export const LOCK_UPDATE_MS = 2_000;
/** The takeover mutex is held for a few file-system calls; older than this, its holder died holding it. */
const MUTEX_STALE_MS = 5_000;
const POLL_MS = 100;

export class DatabaseInUseError extends Error {
  constructor(lockPath: string) {
    super(
      `The embedded database is in use by another process (its lock ${lockPath} is being kept fresh). ` +
        `PGlite admits one process: stop the running app first, or use its admin routes, or set DATABASE_URL to a PostgreSQL server.`,
    );
    this.name = "DatabaseInUseError";
  }
}

export interface DirectoryLockOptions {
  staleMs?: number;
  updateMs?: number;
  /** The lock was lost while held. Default: throw (an uncaught error ends the process). */
  onCompromised?: (error: Error) => void;
}

export interface DirectoryLock {
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Runs `fn` holding `<lockPath>.takeover`, or returns undefined when another process holds it right now. */
async function underTakeoverMutex<T>(lockPath: string, fn: () => Promise<T>): Promise<{ value: T } | undefined> {
  const mutex = `${lockPath}.takeover`;
  try {
    mkdirSync(mutex);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const since = mtimeOf(mutex);
    if (since !== undefined && Date.now() - since > MUTEX_STALE_MS) rmSync(mutex, { recursive: true, force: true });
    return undefined;
  }
  try {
    return { value: await fn() };
  } finally {
    rmSync(mutex, { recursive: true, force: true });
  }
}

/**
 * Takes the lock `lockPath` (a directory next to the data folder), waiting
 * at most about `staleMs` for a lock left by a crashed process to go stale.
 */
export async function acquireDirectoryLock(lockPath: string, options: DirectoryLockOptions = {}): Promise<DirectoryLock> {
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const updateMs = options.updateMs ?? LOCK_UPDATE_MS;
  const onCompromised =
    options.onCompromised ??
    ((error: Error) => {
      throw error;
    });
  const deadline = Date.now() + staleMs + 2 * updateMs;
  let watched: number | undefined;
  for (;;) {
    const attempt = await underTakeoverMutex(lockPath, async () => {
      try {
        // `realpath: false`: the lock names itself (lockfilePath); the data folder may not exist yet.
        return await lockfile.lock(lockPath, { lockfilePath: lockPath, realpath: false, stale: staleMs, update: updateMs, retries: 0, onCompromised });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ELOCKED") return undefined;
        throw error;
      }
    });
    const release = attempt?.value;
    if (release) return { release: () => release() };
    if (attempt) {
      // Held, and fresh: a live holder keeps moving its mtime; a dead one does not.
      const mtime = mtimeOf(lockPath);
      if (mtime !== undefined && watched !== undefined && mtime !== watched) throw new DatabaseInUseError(lockPath);
      watched = mtime;
    }
    if (Date.now() > deadline) throw new DatabaseInUseError(lockPath);
    await sleep(POLL_MS);
  }
}
