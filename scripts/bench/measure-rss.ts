/**
 * Resident memory of a server: the sum of VmRSS over every process in its
 * process group (`next start` may fork a `next-server` child; the test
 * helpers start it detached, so the group id is the spawned pid). Linux only.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";

function groupOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state ppid pgrp …
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[2]);
  } catch {
    return undefined; // exited meanwhile
  }
}

function rssKiB(pid: string): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** RSS in MiB of the processes in group `pgid`, and how many there are. */
export function processGroupRss(pgid: number): { mib: number; processes: number } {
  let kib = 0;
  let processes = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    if (groupOf(pid) !== pgid) continue;
    processes++;
    kib += rssKiB(pid);
  }
  return { mib: Math.round((kib / 1024) * 10) / 10, processes };
}

/** One reading of memory-probe-preload.cjs, in MiB, after full garbage collections. */
export interface MemoryProbe {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * Asks the server (started with memory-probe-preload.cjs and BENCH_MEMORY_FILE=file)
 * for a reading: SIGUSR2, then wait for the line it appends.
 */
export async function probeMemory(pid: number, file: string, timeoutMs = 60_000): Promise<MemoryProbe> {
  const lines = () => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);
  const seen = lines().length;
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const all = lines();
    if (all.length > seen) {
      const m = JSON.parse(all.at(-1)!) as { rss: number; heapUsed: number; heapTotal: number; external: number };
      return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external) };
    }
  }
  throw new Error(`the server wrote no memory reading to ${file} (was it started with memory-probe-preload.cjs?)`);
}
