import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

export class DatabaseInUseError extends Error {
  constructor(
    readonly pid: number,
    lockFile: string,
  ) {
    super(
      `The embedded database is in use by another process (pid ${pid}, lock ${lockFile}). ` +
        `PGlite admits one process: stop the running app first, or use its admin routes, or set DATABASE_URL to a PostgreSQL server.`,
    );
    this.name = "DatabaseInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * An exclusive, process-wide lock on a file (O_EXCL create). A lock left by a
 * process that no longer runs is taken over. Released on exit.
 */
export function acquireDirectoryLock(lockFile: string): { release(): void } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        process.off("exit", release);
        try {
          if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
      process.on("exit", release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number.parseInt(readFileSync(lockFile, "utf8").trim(), 10);
      if (pid === process.pid) throw new DatabaseInUseError(pid, lockFile);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new DatabaseInUseError(pid, lockFile);
      unlinkSync(lockFile); // stale: its owner is gone
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}
