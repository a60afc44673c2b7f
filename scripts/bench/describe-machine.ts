/**
 * The machine a benchmark ran on, recorded with every result: numbers from a
 * shared, loaded 2-core box and from an idle workstation are not comparable.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
  memoryGiB: number;
  /** 1, 5 and 15 minute load averages when this was read. */
  loadAverage: [number, number, number];
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.slice(line.indexOf(":") + 1).trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function nproc(): number {
  try {
    return Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    return os.availableParallelism();
  }
}

export const loadAverage = (): [number, number, number] => os.loadavg().map((n) => Math.round(n * 100) / 100) as [number, number, number];

export function describeMachine(): MachineInfo {
  return {
    nproc: nproc(),
    cpuModel: cpuModel(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadAverage(),
  };
}
