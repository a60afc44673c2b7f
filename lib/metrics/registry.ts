/**
 * Process-wide counters and one latency histogram, rendered in the
 * Prometheus text exposition format (version 0.0.4). Labels are a closed set
 * chosen by the code (tool names, outcomes, audit event names), never user
 * input, so their number stays bounded. Nothing here holds a token or an id.
 */
import { processWide } from "@/lib/process-wide";

type Labels = Record<string, string>;

interface Counter {
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}

interface Histogram {
  help: string;
  buckets: readonly number[];
  series: Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>;
}

interface Registry {
  counters: Map<string, Counter>;
  histograms: Map<string, Histogram>;
}

const registry = () => processWide<Registry>("metrics", () => ({ counters: new Map(), histograms: new Map() }));
const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

export function incrementCounter(name: string, help: string, labels: Labels = {}, by = 1): void {
  const counters = registry().counters;
  let counter = counters.get(name);
  if (!counter) counters.set(name, (counter = { help, values: new Map() }));
  const key = keyOf(labels);
  const entry = counter.values.get(key);
  if (entry) entry.value += by;
  else counter.values.set(key, { labels, value: by });
}

/** Seconds. Buckets suit an HTTP round trip to the IdP (5 ms … 10 s). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export function observeHistogram(name: string, help: string, seconds: number, labels: Labels = {}, buckets: readonly number[] = LATENCY_BUCKETS): void {
  const histograms = registry().histograms;
  let histogram = histograms.get(name);
  if (!histogram) histograms.set(name, (histogram = { help, buckets, series: new Map() }));
  const key = keyOf(labels);
  let series = histogram.series.get(key);
  if (!series) histogram.series.set(key, (series = { labels, counts: histogram.buckets.map(() => 0), sum: 0, count: 0 }));
  histogram.buckets.forEach((bound, i) => {
    if (seconds <= bound) series.counts[i]!++;
  });
  series.sum += seconds;
  series.count++;
}

// Exposition format: label values escape backslash, double quote and newline.
const escape = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
// Label names in a stable order (sorted), a histogram's `le` last.
const labelText = (labels: Labels, le?: string) => {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (le !== undefined) entries.push(["le", le]);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}` : "";
};

export function renderMetrics(): string {
  const lines: string[] = [];
  const { counters, histograms } = registry();
  for (const [name, counter] of [...counters].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`# HELP ${name} ${counter.help}`, `# TYPE ${name} counter`);
    for (const { labels, value } of counter.values.values()) lines.push(`${name}${labelText(labels)} ${value}`);
  }
  for (const [name, histogram] of [...histograms].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`# HELP ${name} ${histogram.help}`, `# TYPE ${name} histogram`);
    for (const series of histogram.series.values()) {
      histogram.buckets.forEach((bound, i) => lines.push(`${name}_bucket${labelText(series.labels, String(bound))} ${series.counts[i]}`));
      lines.push(`${name}_bucket${labelText(series.labels, "+Inf")} ${series.count}`);
      lines.push(`${name}_sum${labelText(series.labels)} ${series.sum}`, `${name}_count${labelText(series.labels)} ${series.count}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
