/**
 * Runs one Web `Request` through the provider's Koa callback and returns its
 * answer as a Web `Response`, for App Router route handlers that must serve a
 * provider document under another path (RFC 8414 §3 path-inserted metadata).
 * The provider sees the request as if it had arrived at `providerPath` under
 * its mount, so the document is byte-for-byte what the mount itself serves.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { getProvider } from "./provider";

export const OIDC_MOUNT_PATH = "/api/oidc";

export async function callProvider(request: Request, providerPath: string): Promise<Response> {
  const provider = await getProvider();
  const url = new URL(request.url);
  const body = request.method === "GET" || request.method === "HEAD" ? Buffer.alloc(0) : Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(request.headers);
  headers.host ??= url.host;
  if (body.length > 0) headers["content-length"] = String(body.length);
  const path = `${providerPath}${url.search}`;
  const req = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
    method: request.method,
    url: path,
    originalUrl: `${OIDC_MOUNT_PATH}${path}`,
    baseUrl: OIDC_MOUNT_PATH,
    headers,
    httpVersion: "1.1",
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    socket: { encrypted: url.protocol === "https:", remoteAddress: "127.0.0.1" },
  });
  Object.assign(req, { connection: req.socket });

  return new Promise<Response>((resolve) => {
    const out = new Map<string, string | string[]>();
    const chunks: Buffer[] = [];
    const res = {
      statusCode: 200,
      statusMessage: "",
      headersSent: false,
      writableEnded: false,
      setHeader(name: string, value: string | number | string[]) {
        out.set(name.toLowerCase(), Array.isArray(value) ? value : String(value));
        return this;
      },
      getHeader: (name: string) => out.get(name.toLowerCase()),
      removeHeader: (name: string) => void out.delete(name.toLowerCase()),
      hasHeader: (name: string) => out.has(name.toLowerCase()),
      getHeaders: () => Object.fromEntries(out),
      getHeaderNames: () => [...out.keys()],
      write(chunk: string | Buffer) {
        chunks.push(Buffer.from(chunk));
        return true;
      },
      end(chunk?: string | Buffer) {
        if (chunk) chunks.push(Buffer.from(chunk));
        this.writableEnded = true;
        this.headersSent = true;
        const h = new Headers();
        for (const [name, value] of out) for (const v of Array.isArray(value) ? value : [value]) h.append(name, v);
        const status = this.statusCode;
        resolve(new Response(status === 204 || status === 304 || request.method === "HEAD" ? null : Buffer.concat(chunks), { status, headers: h }));
        return this;
      },
      on() {
        return this;
      },
      once() {
        return this;
      },
      emit: () => false,
    };
    provider.callback()(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}
