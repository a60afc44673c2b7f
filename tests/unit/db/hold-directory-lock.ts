/**
 * Child process for directory-lock.test.ts: waits until START_AT (so several
 * children try at the same moment), tries to take the lock, prints one JSON
 * line ({ acquired } or { error }), then holds it for HOLD_MS or until killed.
 */
import { acquireDirectoryLock, DatabaseInUseError } from "../../../lib/db/directory-lock";

const [lockPath, startAt, holdMs] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const options = { staleMs: 2_000, updateMs: 1_000 };

async function main() {
  while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 2));
  try {
    const lock = await acquireDirectoryLock(lockPath, options);
    console.log(JSON.stringify({ acquired: true, pid: process.pid }));
    await new Promise((r) => setTimeout(r, holdMs));
    await lock.release();
  } catch (error) {
    console.log(JSON.stringify({ acquired: false, inUse: error instanceof DatabaseInUseError, message: (error as Error).message }));
  }
}
void main();
