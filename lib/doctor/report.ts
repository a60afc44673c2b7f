/**
 * The doctor's report: one line per check, ok / warning / error, with the
 * fix when it is not ok. Lines never carry a secret or a token (only names,
 * URLs from the configuration, versions, counts and statuses).
 */
export type DoctorStatus = "ok" | "warning" | "error";

export interface DoctorLine {
  /** Short name of what was checked, e.g. "nextcloud.version". */
  check: string;
  status: DoctorStatus;
  detail: string;
  /** What to do about it (warning and error lines). */
  fix?: string;
}

export interface DoctorReport {
  lines: DoctorLine[];
  counts: Record<DoctorStatus, number>;
  /** The worst status of any line. */
  status: DoctorStatus;
}

export const ok = (check: string, detail: string): DoctorLine => ({ check, status: "ok", detail });
export const warning = (check: string, detail: string, fix: string): DoctorLine => ({ check, status: "warning", detail, fix });
export const error = (check: string, detail: string, fix: string): DoctorLine => ({ check, status: "error", detail, fix });

export function toReport(lines: DoctorLine[]): DoctorReport {
  const counts = { ok: 0, warning: 0, error: 0 };
  for (const line of lines) counts[line.status]++;
  return { lines, counts, status: counts.error ? "error" : counts.warning ? "warning" : "ok" };
}

export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.lines.map((l) => l.check.length));
  const rows = report.lines.map((l) => {
    const head = `${l.status.toUpperCase().padEnd(7)} ${l.check.padEnd(width)}  ${l.detail}`;
    return l.fix ? `${head}\n${" ".repeat(8 + width + 2)}fix: ${l.fix}` : head;
  });
  return [...rows, "", summaryLine(report)].join("\n");
}

export function summaryLine(report: DoctorReport): string {
  const { ok: good, warning: warned, error: failed } = report.counts;
  return `doctor: ${good} ok, ${warned} warning${warned === 1 ? "" : "s"}, ${failed} error${failed === 1 ? "" : "s"}`;
}

/** A short reason from an unknown failure, without stack or multi-line detail. */
export function reasonOf(cause: unknown): string {
  const text = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message) : String(cause);
  return text.split("\n")[0]!.slice(0, 200);
}
