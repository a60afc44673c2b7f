/**
 * One log line per HTTP request the server answers: method, path (never the
 * query string: provisioning links, OAuth `code`/`state` and tokens a client
 * put there stay out of the logs), status, duration and a request id. The
 * format follows LOG_FORMAT (lib/log.ts: JSON lines or pretty text).
 *
 * Hooked through Node's built-in diagnostics channels
 * `http.server.request.start` and `http.server.response.finish` (every Node
 * version in package.json engines;
 * documented in doc/api/diagnostics_channel.md, "Built-in Channels › HTTP"):
 * no patching of http.Server, and they fire for every server in the process,
 * which under `next start` is the one that answers.
 *
 * The request id comes from the client's `X-Request-Id` only behind a proxy
 * the operator trusts (TRUST_PROXY, the proxy sets it) and when it is short
 * and plain; otherwise a fresh one. It is echoed in the `X-Request-Id`
 * response header so a person can quote it.
 */
import { randomUUID } from "node:crypto";
import diagnosticsChannel from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { redactString } from "@/lib/log-redaction";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";

interface ChannelMessage {
  request: IncomingMessage;
  response: ServerResponse;
}

const PLAIN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const started = new WeakMap<IncomingMessage, { at: bigint; id: string }>();

/** The path of a request target without its query string or fragment (also cleaned of anything token-shaped). */
export function pathOnly(target: string | undefined): string {
  const path = (target ?? "").split(/[?#]/, 1)[0] || "/";
  return redactString(path);
}

export function requestIdFor(request: IncomingMessage, trustProxy: boolean): string {
  const given = request.headers["x-request-id"];
  if (trustProxy && typeof given === "string" && PLAIN_ID.test(given)) return given;
  return randomUUID();
}

/** Subscribes the request log once per process. */
export function installRequestLog(options: { trustProxy: boolean }): void {
  processWide("request-log", () => {
    diagnosticsChannel.subscribe("http.server.request.start", (message) => {
      const { request, response } = message as ChannelMessage;
      const id = requestIdFor(request, options.trustProxy);
      started.set(request, { at: process.hrtime.bigint(), id });
      if (!response.headersSent) response.setHeader("X-Request-Id", id);
    });
    diagnosticsChannel.subscribe("http.server.response.finish", (message) => {
      const { request, response } = message as ChannelMessage;
      const start = started.get(request);
      if (!start) return; // began before the log was installed
      started.delete(request);
      const durationMs = Math.round(Number(process.hrtime.bigint() - start.at) / 10_000) / 100;
      const method = request.method ?? "?";
      const path = pathOnly(request.url);
      log.info(`${method} ${path} ${response.statusCode}`, { method, path, status: response.statusCode, durationMs, requestId: start.id });
    });
    return true;
  });
}
