/**
 * Where the time goes in a V8 CPU profile (`node --cpu-prof`): self time per
 * function and per module (npm package, app folder, Node internals, GC),
 * optionally only over the last `windowSeconds` of the profile (the load
 * window: the server is stopped right after it). Frames in the production
 * build's bundled chunks are mapped back to their sources through the
 * chunks' source maps, so a bundled `jose` or `lib/auth` file is named as such.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  sampledMs: number;
  topFunctions: SelfTime[];
  topModules: SelfTime[];
  /** Total (inclusive) time of this app's own functions (lib/, app/): what each step costs with what it calls. */
  appFunctionsInclusive: SelfTime[];
}

const maps = new Map<string, SourceMap | null>();
function sourceMapFor(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const file = `${fileURLToPath(url)}.map`;
      if (existsSync(file)) map = new SourceMap(JSON.parse(readFileSync(file, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url)!;
}

/** The original file of a frame: through the chunk's source map when there is one. */
function originalLocation(frame: CallFrame): { file: string; line: number; name: string } {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url.startsWith("file://")) return { file: frame.url, line: frame.lineNumber + 1, name };
  const map = frame.url.includes("/server/") ? sourceMapFor(frame.url) : null;
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number; name?: string } | undefined;
  if (entry?.originalSource) return { file: entry.originalSource, line: (entry.originalLine ?? 0) + 1, name: frame.functionName || entry.name || "(anonymous)" };
  return { file: fileURLToPath(frame.url), line: frame.lineNumber + 1, name };
}

/** npm package, the app's own folder (lib/auth, app/api/mcp…), Node internals, or V8's pseudo-frames. */
export function moduleOf(encoded: string, functionName: string): string {
  if (!encoded) return functionName.startsWith("(") ? functionName : "(native / V8 builtins)";
  const file = decodeURIComponent(encoded);
  if (file.startsWith("node:")) return `node:${file.slice(5).split("/").slice(0, 2).join("/")}`;
  const nm = file.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = file.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const project = /(?:\[project\]\/|\/work\/[^/]+\/)((?:lib|app)\/[^/]+(?:\/[^/.]+)?)/.exec(file);
  if (project) return project[1]!.replace(/\/[^/]+$/, (m) => (m.includes(".") ? "" : m));
  // Next.js's own server, named by its source map (src/server/…).
  if (/^(\.\.\/)*src\/(server|shared|lib)\//.test(file)) return "next";
  return file.replace(/^.*\[project\]\//, "");
}

function top(table: Map<string, number>, total: number, n: number): SelfTime[] {
  return [...table]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((us / total) * 1000) / 10 }));
}

export function summarizeCpuProfile(file: string, options: { windowSeconds?: number; topN?: number } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = options.windowSeconds ? profile.endTime - options.windowSeconds * 1e6 : profile.startTime;
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const locations = new Map<number, { fn: string; module: string }>();
  const where = (id: number): { fn: string; module: string } => {
    let found = locations.get(id);
    if (!found) {
      const frame = nodes.get(id)!.callFrame;
      const loc = originalLocation(frame);
      const short = loc.file.replace(/^.*\[project\]\//, "").replace(/^.*\/node_modules\//, "").replace(/^(\.\.\/)+/, "");
      let module = moduleOf(loc.file, frame.functionName);
      // WebAssembly frames (PGlite's Postgres, Prisma's query compiler) are named after the JS module that called them.
      if (loc.file.startsWith("wasm://")) {
        let up = parents.get(id);
        while (up !== undefined && (nodes.get(up)!.callFrame.url.startsWith("wasm://") || !nodes.get(up)!.callFrame.url)) up = parents.get(up);
        module = up === undefined ? "wasm (unknown caller)" : `${where(up).module} (wasm)`;
      }
      found = { fn: loc.file ? `${loc.name}  ${short}:${loc.line}` : loc.name, module };
      locations.set(id, found);
    }
    return found;
  };
  const isApp = (fn: string) => /\s(lib|app)\/\S+:\d+$/.test(fn);
  let total = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    // A sample's time is the delta to the next one.
    const delta = profile.timeDeltas[i + 1] ?? 0;
    if (at < from) continue;
    const id = profile.samples[i]!;
    const self = where(id);
    if (self.fn === "(idle)") continue; // waiting for I/O is not CPU time
    total += delta;
    byFunction.set(self.fn, (byFunction.get(self.fn) ?? 0) + delta);
    byModule.set(self.module, (byModule.get(self.module) ?? 0) + delta);
    const seen = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parents.get(up)) {
      const fn = where(up).fn;
      if (isApp(fn) && !seen.has(fn)) {
        seen.add(fn);
        inclusive.set(fn, (inclusive.get(fn) ?? 0) + delta);
      }
    }
  }
  const n = options.topN ?? 25;
  return { sampledMs: Math.round(total / 1000), topFunctions: top(byFunction, total, n), topModules: top(byModule, total, n), appFunctionsInclusive: top(inclusive, total, n) };
}

export function formatSummary(summary: ProfileSummary): string {
  const rows = (list: SelfTime[]) => list.map((t) => `  ${t.percent.toFixed(1).padStart(5)} %  ${t.ms.toFixed(0).padStart(7)} ms  ${t.name}`).join("\n");
  return (
    `CPU time sampled (not idle): ${summary.sampledMs} ms\n\nself time by module:\n${rows(summary.topModules)}\n\nself time by function:\n${rows(summary.topFunctions)}` +
    `\n\ntotal time (with callees) of the app's own functions:\n${rows(summary.appFunctionsInclusive)}`
  );
}

if (process.argv[1]?.endsWith("summarize-cpu-profile.ts") && process.argv[2]) {
  const window = process.argv[3] ? Number(process.argv[3]) : undefined;
  console.log(formatSummary(summarizeCpuProfile(process.argv[2], { windowSeconds: window })));
}
