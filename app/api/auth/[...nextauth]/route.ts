/**
 * next-auth 4's endpoints for the dashboard (/api/auth/*): above all the OIDC
 * callback (/api/auth/callback/idp), where the code is exchanged with PKCE and
 * state and nonce are checked. Options come from the session helper.
 */
import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/dashboard/session";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handle(request: Request, context: Context): Promise<Response> {
  const handler = NextAuth(await getAuthOptions()) as unknown as (request: Request, context: Context) => Promise<Response>;
  return handler(request, context);
}

export { handle as GET, handle as POST };
