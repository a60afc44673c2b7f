/**
 * The PGlite directory lock (issue 19 defect 3), with real processes:
 * - a live holder keeps a second process out, and is recognised quickly;
 * - a holder that crashed (SIGKILL: no clean-up) does not block a restart
 *   for longer than the stale time, whatever PID the new process has (PID 1
 *   in a container is the same PID as the crashed one; a reused PID belongs
 *   to some other live process) — liveness is the holder refreshing the
 *   lock, not a PID;
 * - several processes starting at the same moment, on a free or on a stale
 *   lock, never both get it.
 * Short stale/update times (2 s / 1 s, proper-lockfile's minimums) keep the
 * test quick; the racers are started ahead and each race begins as soon as
 * its four are loaded (no fixed head start).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireDirectoryLock, DatabaseInUseError } from "@/lib/db/directory-lock";

const CHILD = path.resolve(import.meta.dirname, "hold-directory-lock.ts");
const options = { staleMs: 2_000, updateMs: 1_000 };
const root = mkdtempSync(path.join(tmpdir(), "dirlock-"));
const children: ChildProcess[] = [];
let serial = 0;
const freshLockPath = () => path.join(root, `case-${++serial}`, "pglite.lock");

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

type Outcome = { acquired: boolean; inUse?: boolean; message?: string };

/**
 * Starts a child that tries the lock at `startAt` and holds it `holdMs`; resolves with its answer.
 * `startAt` "stdin": the child reports `ready` once loaded and waits for `go(at)`.
 */
function holder(lockPath: string, startAt: number | "stdin", holdMs: number) {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, lockPath, String(startAt), String(holdMs)], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  let out = "";
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const outcome = new Promise<Outcome>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const lines = out.split("\n");
      if (lines.includes("ready")) markReady();
      const line = lines.find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line) as Outcome);
    });
    child.on("exit", (code) => reject(new Error(`child exited (${code}) without an answer: ${out}`)));
  });
  const go = (at: number) => child.stdin!.write(`${at}\n`);
  return { child, ready, outcome, go };
}

type Holder = ReturnType<typeof holder>;

describe("PGlite directory lock", { timeout: 60_000 }, () => {
  // The racers of the two race tests load (tsx, a second or more each on a busy machine) while the
  // tests before them wait on the lock's clocks; each race starts once all four of its racers are up.
  const races = new Map<string, { lockPath: string; racers: Holder[] }>();
  beforeAll(() => {
    for (const state of ["free", "stale"]) {
      const lockPath = freshLockPath();
      races.set(state, { lockPath, racers: Array.from({ length: 4 }, () => holder(lockPath, "stdin", 12_000)) });
    }
  });

  it("keeps a second process out while the holder lives, and says so within a few seconds", async () => {
    const lockPath = freshLockPath();
    const first = holder(lockPath, Date.now(), 30_000);
    expect(await first.outcome).toMatchObject({ acquired: true });
    const started = Date.now();
    const error = await acquireDirectoryLock(lockPath, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseInUseError);
    expect(Date.now() - started).toBeLessThan(options.staleMs + 2_000);
    first.child.kill("SIGKILL");
  });

  it("takes over after a crash (SIGKILL, lock left behind) once the lock has gone stale", async () => {
    const lockPath = freshLockPath();
    const crashed = holder(lockPath, Date.now(), 30_000);
    expect(await crashed.outcome).toMatchObject({ acquired: true });
    crashed.child.kill("SIGKILL");
    await new Promise((r) => crashed.child.once("exit", r));
    const started = Date.now();
    const lock = await acquireDirectoryLock(lockPath, options);
    expect(Date.now() - started).toBeLessThan(options.staleMs + 3_000);
    await lock.release();
  });

  it("takes over a stale lock at once, whichever PID left it (its own PID after a container restart, or a reused one)", async () => {
    // A lock left by a crashed process long ago: nothing refreshes it. The old lock kept the PID, and
    // refused when that PID was ours or alive; this one carries no PID to be fooled by.
    const lockPath = freshLockPath();
    mkdirSync(lockPath, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPath, old, old);
    const started = Date.now();
    const lock = await acquireDirectoryLock(lockPath, options);
    expect(Date.now() - started).toBeLessThan(1_500);
    await lock.release();
  });

  it.each(["free", "stale"])("lets exactly one of four processes starting together take a %s lock", async (state) => {
    const { lockPath, racers } = races.get(state)!;
    if (state === "stale") {
      mkdirSync(lockPath);
      const old = new Date(Date.now() - 60_000);
      utimesSync(lockPath, old, old);
    }
    // Every child is loaded and waiting; they all try at one moment a little ahead (each busy-waits for it).
    await Promise.all(racers.map((r) => r.ready));
    const startAt = Date.now() + 100;
    for (const r of racers) r.go(startAt);
    const outcomes = await Promise.all(racers.map((r) => r.outcome));
    expect(outcomes.filter((o) => o.acquired)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.acquired && o.inUse)).toHaveLength(3);
    for (const r of racers) r.child.kill("SIGKILL");
  });

  it("refuses a second lock on the same folder within one process", async () => {
    const lockPath = freshLockPath();
    mkdirSync(path.dirname(lockPath), { recursive: true });
    const lock = await acquireDirectoryLock(lockPath, options);
    await expect(acquireDirectoryLock(lockPath, options)).rejects.toBeInstanceOf(DatabaseInUseError);
    await lock.release();
    const again = await acquireDirectoryLock(lockPath, options);
    await again.release();
  });
});
