/**
 * Resident memory of a server: the sum of VmRSS over every process in its
 * process group (`next start` may fork a `next-server` child; the test
 * helpers start it detached, so the group id is the spawned pid). Linux only.
 */
import { readdirSync, readFileSync } from "node:fs";

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
