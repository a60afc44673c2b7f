/**
 * The forwarded-header guard (lib/http/forwarded-headers.ts) on a real Node
 * HTTP server in this process: a client's X-Forwarded-* / Forwarded / X-Real-IP
 * never reach a request listener — neither in `headers`, `headersDistinct`
 * nor `rawHeaders`, for a plain request, a pipelined one and an
 * `Expect: 100-continue` one — which proves that Node publishes
 * `http.server.request.start` before it emits 'request'/'checkContinue'.
 * The in-process IdP transport (lib/idp/in-process-transport.ts) drops them
 * too unless the provider trusts a proxy.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORWARDED_HEADERS, installForwardedHeaderGuard } from "@/lib/http/forwarded-headers";
import { callProvider } from "@/lib/idp/in-process-transport";

const SPOOFED: Record<string, string> = {
  "X-Forwarded-For": "203.0.113.7",
  "X-Forwarded-Host": "evil.example",
  "X-Forwarded-Proto": "https",
  "X-Forwarded-Port": "8443",
  Forwarded: "for=203.0.113.7;host=evil.example;proto=https",
  "X-Real-IP": "203.0.113.7",
};

interface Seen {
  event: string;
  headers: http.IncomingHttpHeaders;
  distinct: NodeJS.Dict<string[]>;
  raw: string[];
}

let server: http.Server;
let port: number;
const seen: Seen[] = [];
const record = (event: string, req: http.IncomingMessage) =>
  seen.push({ event, headers: { ...req.headers }, distinct: { ...req.headersDistinct }, raw: [...req.rawHeaders] });

beforeAll(async () => {
  installForwardedHeaderGuard();
  installForwardedHeaderGuard(); // idempotent: one subscriber
  server = http.createServer((req, res) => {
    record("request", req);
    res.end("ok");
  });
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    record("checkContinue", req);
    res.writeContinue();
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function expectClean(entry: Seen | undefined): void {
  expect(entry).toBeDefined();
  for (const name of FORWARDED_HEADERS) {
    expect(entry!.headers[name], name).toBeUndefined();
    expect(entry!.distinct[name], name).toBeUndefined();
  }
  expect(entry!.raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()).filter((n) => FORWARDED_HEADERS.includes(n))).toEqual([]);
  // Other headers are untouched.
  expect(entry!.headers["x-keep"]).toBe("yes");
}

function send(headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: body ? "POST" : "GET", path: "/", headers: { ...headers, "X-Keep": "yes" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    if (body && headers.Expect) req.on("continue", () => req.end(body));
    else req.end(body);
  });
}

describe("the forwarded-header guard", () => {
  it("strips every spoofed forwarding header before the request listener runs", async () => {
    seen.length = 0;
    expect(await send(SPOOFED)).toBe(200);
    expectClean(seen.find((s) => s.event === "request"));
  });

  it("also for mixed-case, repeated headers and pipelined requests on one connection", async () => {
    seen.length = 0;
    const socket = net.connect(port, "127.0.0.1");
    const one = "GET /a HTTP/1.1\r\nHost: x\r\nx-FORWARDED-for: 198.51.100.1\r\nX-Forwarded-For: 198.51.100.2\r\nFORWARDED: for=1.2.3.4\r\nX-Keep: yes\r\n\r\n";
    const two = "GET /b HTTP/1.1\r\nHost: x\r\nX-Real-Ip: 198.51.100.3\r\nX-Keep: yes\r\nConnection: close\r\n\r\n";
    socket.end(one + two);
    await new Promise<void>((resolve) => socket.on("close", () => resolve()).resume());
    expect(seen.filter((s) => s.event === "request")).toHaveLength(2);
    for (const entry of seen) expectClean(entry);
  });

  it("before 'checkContinue' too (Expect: 100-continue)", async () => {
    seen.length = 0;
    expect(await send({ ...SPOOFED, Expect: "100-continue", "Content-Type": "text/plain" }, "hello")).toBe(200);
    expectClean(seen.find((s) => s.event === "checkContinue"));
  });
});

describe("the in-process IdP transport", () => {
  async function headersAtProvider(proxy: boolean): Promise<http.IncomingHttpHeaders> {
    let got: http.IncomingHttpHeaders = {};
    const provider = {
      proxy,
      callback: () => (req: http.IncomingMessage, res: http.ServerResponse) => {
        got = { ...req.headers };
        res.end("{}");
      },
    } as unknown as Provider;
    const response = await callProvider(provider, new Request("http://127.0.0.1/api/oidc/token", { method: "POST", headers: { ...SPOOFED, "X-Keep": "yes" }, body: "a=b" }), "/token");
    expect(response.status).toBe(200);
    return got;
  }

  it("drops forwarding headers when the provider trusts no proxy", async () => {
    const got = await headersAtProvider(false);
    for (const name of FORWARDED_HEADERS) expect(got[name], name).toBeUndefined();
    expect(got["x-keep"]).toBe("yes");
  });

  it("passes them on behind a trusted proxy (TRUST_PROXY=true)", async () => {
    const got = await headersAtProvider(true);
    expect(got["x-forwarded-for"]).toBe("203.0.113.7");
    expect(got["x-forwarded-host"]).toBe("evil.example");
  });
});
