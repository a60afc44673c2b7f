/**
 * Child process for directory-lock.test.ts: waits until START_AT (so several
 * children try at the same moment), tries to take the lock, prints one JSON
 * line ({ acquired } or { error }), then holds it for HOLD_MS or until killed.
 * START_AT "stdin": the child prints "ready" once loaded and reads START_AT
 * (epoch ms) as one line from stdin, so the parent starts a race as soon as
 * every racer is up instead of guessing how long loading takes.
 */
import { acquireDirectoryLock, DatabaseInUseError } from "../../../lib/db/directory-lock";

const [lockPath, startArg, holdMs] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])];
const options = { staleMs: 2_000, updateMs: 1_000 };

function startTimeFromStdin(): Promise<number> {
  return new Promise((resolve) => {
    let input = "";
    process.stdin.on("data", (d: Buffer) => {
      input += d.toString();
      if (input.includes("\n")) {
        process.stdin.pause();
        resolve(Number(input.split("\n")[0]));
      }
    });
    console.log("ready");
  });
}

async function main() {
  const startAt = startArg === "stdin" ? await startTimeFromStdin() : Number(startArg);
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
