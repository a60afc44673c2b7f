/**
 * next-auth 4's endpoints for the dashboard (/api/auth/*): above all the OIDC
 * callback (/api/auth/callback/idp), where the code is exchanged with PKCE and
 * state and nonce are checked. Options come from the session helper. A
 * refused sign-in (error=access_denied) goes straight to the sign-in page's
 * own message (lib/dashboard/denied-sign-in.ts).
 */
import NextAuth from "next-auth";
import { getConfig } from "@/lib/config";
import { deniedSignInLocation } from "@/lib/dashboard/denied-sign-in";
import { getAuthOptions } from "@/lib/dashboard/session";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handle(request: Request, context: Context): Promise<Response> {
  const denied = request.method === "GET" ? deniedSignInLocation(request.url) : undefined;
  if (denied) return new Response(null, { status: 303, headers: { Location: new URL(denied, getConfig().APP_URL).toString(), "Cache-Control": "no-store" } });
  const handler = NextAuth(await getAuthOptions()) as unknown as (request: Request, context: Context) => Promise<Response>;
  return handler(request, context);
}

export { handle as GET, handle as POST };
