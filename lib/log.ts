/**
 * The server's logger: pino, one JSON line per event (level, time, msg and
 * the fields), debug/info to stdout and warn/error to stderr, threshold
 * LOG_LEVEL. Credentials never reach a line (lib/log-redaction.ts): fields
 * are cleaned by name at any depth and by shape in every string, messages
 * included; on top of that pino's own path redaction censors the well-known
 * credential fields at any of the first levels, so a field that slipped past
 * the cleaning (a future code path handing pino an object directly) is still
 * censored.
 *
 * LOG_FORMAT=pretty prints the same lines as text for a person (the default
 * under `npm run dev`); JSON everywhere else unless asked.
 *
 * The exported API is unchanged: log.debug/info/warn/error(message, fields?),
 * and redact(fields).
 */
import pino, { type Logger } from "pino";
import { getConfig } from "@/lib/config";
import { processWide } from "@/lib/process-wide";
import { redactFields, redactString, REDACTED } from "./log-redaction";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// pino `redact` paths (fast-redact syntax): these names at the top level and nested up to three levels.
const CREDENTIAL_FIELDS = ["authorization", "cookie", "password", "client_secret", "access_token", "refresh_token", "id_token", "subject_token", "code", "code_verifier", "state"];
const REDACT_PATHS = CREDENTIAL_FIELDS.flatMap((name) => [name, `*.${name}`, `*.*.${name}`, `*.*.*.${name}`]);

// Through console (not a file descriptor), so whatever captures the console (Next.js, tests) sees the lines.
// LOG_FORMAT=pretty turns each (already redacted) JSON line into text for a person.
const toStdout = { write: (line: string) => console.log(formatted(line.trimEnd())) };
const toStderr = { write: (line: string) => console.error(formatted(line.trimEnd())) };

function format(): "json" | "pretty" {
  try {
    const config = getConfig();
    return config.LOG_FORMAT ?? (config.NODE_ENV === "development" ? "pretty" : "json");
  } catch {
    return "json"; // configuration not loadable yet
  }
}

function formatted(line: string): string {
  return format() === "pretty" ? prettyLine(line) : line;
}

/** `12:34:56.789 INFO  message key=value …` from one pino JSON line (the line itself if it is not one). */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, msg, ...fields } = entry;
  const clock = typeof time === "string" ? time.slice(11, 23) : "";
  const details = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? (/[\s"=]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`);
  return [clock, String(level ?? "").toUpperCase().padEnd(5), String(msg ?? ""), ...details].filter(Boolean).join(" ");
}

const logger = () =>
  processWide<Logger>("logger", () =>
    pino(
      {
        level: "debug", // the threshold is LOG_LEVEL, checked per call (the configuration may load after the first line)
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: REDACT_PATHS, censor: REDACTED },
      },
      pino.multistream(
        [
          { level: "debug", stream: toStdout },
          { level: "warn", stream: toStderr },
        ],
        { dedupe: true },
      ),
    ),
  );

/** Fields with credentials removed at any depth (by name, and token-shaped strings). */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return redactFields(fields);
}

function threshold(): Level {
  try {
    return getConfig().LOG_LEVEL;
  } catch {
    return "info"; // configuration not loadable yet: keep the default threshold
  }
}

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  if (ORDER[level] < ORDER[threshold()]) return;
  const text = redactString(message);
  if (fields && Object.keys(fields).length > 0) logger()[level](redactFields(fields), text);
  else logger()[level](text);
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};
