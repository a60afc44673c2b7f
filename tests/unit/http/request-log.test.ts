/**
 * The request log (lib/http/request-log.ts) on a real Node HTTP server in
 * this process: one line per request with method, path, status, duration and
 * request id, as JSON (LOG_FORMAT=json) or pretty text (LOG_FORMAT=pretty),
 * and a secret in the query string leaves no trace in either format.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { installRequestLog, pathOnly, requestIdFor } from "@/lib/http/request-log";
import { prettyLine } from "@/lib/log";

const SECRET = "s3cr3t-provisioning-request-Zq81xY";
const CODE = "flow2-code-Hk29dLw0";
const resetConfig = () => delete (globalThis as Record<symbol, unknown>)[Symbol.for("nextcloud-mcp.config")];

let server: http.Server;
let base: string;
let out: MockInstance;
const printed = () => out.mock.calls.map((c) => String(c[0])).join("\n");

beforeAll(async () => {
  installRequestLog({ trustProxy: false });
  server = http.createServer((req, res) => {
    res.statusCode = req.url?.startsWith("/missing") ? 404 : 200;
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  out = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  out.mockRestore();
  delete process.env.LOG_FORMAT;
  resetConfig();
});

/** Requests a path and waits until its log line was printed (the finish event follows the response). */
async function request(target: string, init?: RequestInit): Promise<Response> {
  const before = out.mock.calls.length;
  const response = await fetch(`${base}${target}`, init);
  await response.text();
  await vi.waitFor(() => expect(out.mock.calls.length).toBeGreaterThan(before));
  return response;
}

describe.each(["json", "pretty"] as const)("LOG_FORMAT=%s", (format) => {
  beforeEach(() => {
    process.env.LOG_FORMAT = format;
    resetConfig();
  });

  it("prints one line per request and no query string, secret or code", async () => {
    const response = await request(`/provision/consent?request=${SECRET}&code=${CODE}&state=abc#frag`);
    await request(`/missing/page?access_token=${SECRET}`, { method: "POST", body: "x" });
    const text = printed();
    expect(out.mock.calls).toHaveLength(2);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(CODE);
    expect(text).not.toContain("?");
    expect(text).not.toContain("request=");
    const id = response.headers.get("x-request-id")!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    if (format === "json") {
      const [first, second] = out.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
      expect(first).toMatchObject({ level: "info", method: "GET", path: "/provision/consent", status: 200, requestId: id });
      expect(typeof first!.durationMs).toBe("number");
      expect(second).toMatchObject({ method: "POST", path: "/missing/page", status: 404 });
    } else {
      expect(() => JSON.parse(String(out.mock.calls[0]![0]))).toThrow();
      expect(String(out.mock.calls[0]![0])).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  GET /provision/consent 200 .*durationMs=[\\d.]+ requestId=${id}$`));
      expect(String(out.mock.calls[1]![0])).toContain("POST /missing/page 404");
    }
  });
});

describe("request ids", () => {
  const incoming = (id: string) => ({ headers: { "x-request-id": id } }) as unknown as http.IncomingMessage;

  it("take the proxy's X-Request-Id only behind a trusted proxy, and only a plain one", () => {
    expect(requestIdFor(incoming("abc-123"), true)).toBe("abc-123");
    expect(requestIdFor(incoming("abc-123"), false)).not.toBe("abc-123");
    expect(requestIdFor(incoming("a b\nforged log line"), true)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFor(incoming("x".repeat(129)), true)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("pathOnly", () => {
  it("drops the query and fragment, and cleans a token-shaped path", () => {
    expect(pathOnly("/a/b?x=1")).toBe("/a/b");
    expect(pathOnly("/a#x")).toBe("/a");
    expect(pathOnly("?only=query")).toBe("/");
    expect(pathOnly(undefined)).toBe("/");
    expect(pathOnly("/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).toBe("/t/[redacted]");
  });
});

describe("prettyLine", () => {
  it("turns a pino JSON line into text and leaves anything else alone", () => {
    expect(prettyLine('{"level":"warn","time":"2026-12-07T01:02:03.456Z","msg":"odd","n":1,"who":"a b"}')).toBe('01:02:03.456 WARN  odd n=1 who="a b"');
    expect(prettyLine("not json")).toBe("not json");
  });
});
