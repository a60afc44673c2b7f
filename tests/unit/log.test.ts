/**
 * lib/log (pino): no credential reaches a log line, wherever it sits — a
 * field named like a credential at any depth, a token or a secret inside a
 * string (an error message, a URL with a query string, an Authorization
 * header value), or the message itself. Everything else stays readable.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { log, redact } from "@/lib/log";

const JWT = "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJhbGljZSIsInNjb3BlIjoibm90ZXMucmVhZCJ9.c2lnbmF0dXJlLXZhbHVlLWhlcmU";
const OPAQUE = "rt_Zk2V9qL0pXw7yBn4Tg1sHc8aJm3EoRu6";

let out: MockInstance;
let err: MockInstance;
const lines = () => [...out.mock.calls, ...err.mock.calls].map((c) => String(c[0]));

beforeEach(() => {
  out = vi.spyOn(console, "log").mockImplementation(() => {});
  err = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  out.mockRestore();
  err.mockRestore();
});

describe("redact", () => {
  it("hides fields that carry credentials, at any depth, and keeps the rest", () => {
    expect(
      redact({ access_token: "a", refresh_token: "b", client_secret: "c", password: "d", authorization: "e", code: "f", user: "alice", nested: { deeper: [{ id_token: "g", ok: 1 }] } }),
    ).toEqual({
      access_token: "[redacted]",
      refresh_token: "[redacted]",
      client_secret: "[redacted]",
      password: "[redacted]",
      authorization: "[redacted]",
      code: "[redacted]",
      user: "alice",
      nested: { deeper: [{ id_token: "[redacted]", ok: 1 }] },
    });
  });
});

describe("log lines", () => {
  it("are JSON lines with level and message; warnings and errors go to stderr", () => {
    log.info("database ready", { migrationsApplied: ["x"] });
    log.warn("something odd", { n: 1 });
    const info = JSON.parse(String(out.mock.calls[0]![0])) as Record<string, unknown>;
    expect(info).toMatchObject({ level: "info", msg: "database ready", migrationsApplied: ["x"] });
    expect(JSON.parse(String(err.mock.calls[0]![0]))).toMatchObject({ level: "warn", msg: "something odd", n: 1 });
  });

  it("hide credential fields nested in details", () => {
    log.warn("upstream refused", { upstream: { refresh_token: OPAQUE, body: { tokens: [{ access_token: JWT }] } }, headers: { Authorization: `Bearer ${OPAQUE}` } });
    const text = lines().join("\n");
    expect(text).toContain("upstream refused");
    expect(text).not.toContain(OPAQUE);
    expect(text).not.toContain(JWT);
  });

  it("hide tokens and secrets inside strings: error messages, URLs with query strings, Authorization values", () => {
    const error = new Error(`request to https://idp.example/token?code=${OPAQUE}&state=st4te-v4lue failed with ${JWT}`);
    log.error("provisioning failed", {
      reason: error.message,
      error,
      url: `https://mcp.example/oauth/authorize-nextcloud?request=${OPAQUE}`,
      callback: `/oauth/callback-nextcloud?state=st4te-v4lue&code=${OPAQUE}&iss=https%3A%2F%2Fidp`,
      header: `Basic ${Buffer.from("mcp-server:client-secret-value").toString("base64")}`,
    });
    log.warn(`a client sent /api/mcp?access_token=${OPAQUE} and Bearer ${JWT}`);
    const text = lines().join("\n");
    for (const secret of [OPAQUE, JWT, "st4te-v4lue", Buffer.from("mcp-server:client-secret-value").toString("base64")]) expect(text).not.toContain(secret);
    // What is not secret stays: where it happened and why.
    expect(text).toContain("https://idp.example/token?code=[redacted]");
    expect(text).toContain("/oauth/callback-nextcloud?state=[redacted]&code=[redacted]&iss=");
    expect(text).toContain("provisioning failed");
    expect(text).toContain('"name":"Error"');
  });

  it("respect LOG_LEVEL's threshold (debug is off by default)", () => {
    log.debug("chatty detail", { a: 1 });
    expect(lines().join("\n")).not.toContain("chatty detail");
  });
});
