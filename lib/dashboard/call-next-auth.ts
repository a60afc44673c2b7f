/**
 * Runs one next-auth 4 action in-process, through its public handler with
 * request/response objects built here, and returns what it answered: status,
 * redirect, body and cookies. The dashboard's sign-in and sign-out server
 * actions use it so that next-auth itself does the work (CSRF double-submit
 * token, PKCE/state/nonce cookies, session cookie removal) without a browser
 * round trip through next-auth's own HTML pages.
 */
import NextAuth, { type NextAuthOptions } from "next-auth";

export interface CookieToSet {
  name: string;
  value: string;
  options: { path?: string; httpOnly?: boolean; secure?: boolean; sameSite?: "lax" | "strict" | "none"; expires?: Date; maxAge?: number };
}

export interface NextAuthCall {
  action: "csrf" | "signin" | "signout";
  providerId?: string;
  method: "GET" | "POST";
  body?: Record<string, string>;
  cookies?: Record<string, string>;
  host: string;
}

export interface NextAuthAnswer {
  status: number;
  location?: string;
  body: unknown;
  cookies: CookieToSet[];
}

/** Parses one Set-Cookie header line (RFC 6265 §4.1) as next-auth writes them. */
export function parseSetCookie(line: string): CookieToSet {
  const [pair = "", ...attributes] = line.split(";").map((s) => s.trim());
  const eq = pair.indexOf("=");
  const cookie: CookieToSet = { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), options: {} };
  for (const attribute of attributes) {
    const [rawKey = "", ...rest] = attribute.split("=");
    const key = rawKey.toLowerCase();
    const value = rest.join("=");
    if (key === "path") cookie.options.path = value;
    else if (key === "httponly") cookie.options.httpOnly = true;
    else if (key === "secure") cookie.options.secure = true;
    else if (key === "samesite") cookie.options.sameSite = value.toLowerCase() as "lax" | "strict" | "none";
    else if (key === "expires") cookie.options.expires = new Date(value);
    else if (key === "max-age") cookie.options.maxAge = Number(value);
  }
  return cookie;
}

export async function callNextAuth(options: NextAuthOptions, call: NextAuthCall): Promise<NextAuthAnswer> {
  const headers = new Map<string, string | string[]>();
  const answer: { status: number; body: unknown } = { status: 200, body: undefined };
  const res = {
    status(code: number) {
      answer.status = code;
      return res;
    },
    setHeader(name: string, value: string | string[]) {
      headers.set(name.toLowerCase(), value);
      return res;
    },
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    end() {},
    send(body: unknown) {
      answer.body = body;
    },
    json(body: unknown) {
      answer.body = body;
    },
  };
  const req = {
    method: call.method,
    query: { nextauth: [call.action, ...(call.providerId ? [call.providerId] : [])] },
    body: call.body ?? {},
    cookies: call.cookies ?? {},
    headers: { host: call.host },
  };
  // The (req, res, options) signature is next-auth's API-route handler: it reads only what is passed in.
  await (NextAuth as unknown as (req: unknown, res: unknown, options: NextAuthOptions) => Promise<void>)(req, res, options);
  const setCookie = headers.get("set-cookie");
  const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  const location = headers.get("location");
  return { status: answer.status, location: typeof location === "string" ? location : undefined, body: answer.body, cookies: lines.map(parseSetCookie) };
}
