import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { createNonce, pageContentSecurityPolicy } from "@/lib/http/content-security-policy";

/** Gives every page a fresh CSP nonce; Next.js applies it to its own scripts. */
export function proxy(request: NextRequest) {
  const config = getConfig();
  const csp = pageContentSecurityPolicy({
    nonce: createNonce(),
    dev: config.NODE_ENV === "development",
    https: config.APP_URL.startsWith("https:"),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api|\\.well-known|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
