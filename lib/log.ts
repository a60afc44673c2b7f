/**
 * A small leveled logger. Fields whose names suggest credentials are
 * replaced before printing: tokens, secrets and passwords never reach a log.
 */
import { getConfig } from "@/lib/config";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENSITIVE = /(token|secret|password|passwd|authorization|cookie|assertion|code_verifier|^code$|key)/i;

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, SENSITIVE.test(k) ? "[redacted]" : v]));
}

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  let threshold: Level = "info";
  try {
    threshold = getConfig().LOG_LEVEL;
  } catch {
    // configuration not loadable yet: keep the default threshold
  }
  if (ORDER[level] < ORDER[threshold]) return;
  const suffix = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(redact(fields))}` : "";
  const line = `[nextcloud-mcp] ${level}: ${message}${suffix}`;
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};
