/**
 * RFC 8414 §3.1 authorization server metadata for the issuer
 * `${APP_URL}/api/oidc`: the well-known segment goes between host and path.
 * The content is the provider's own discovery document (identical to
 * /api/oidc/.well-known/openid-configuration), CORS included, so browser
 * clients can read it.
 */
import { getConfig } from "@/lib/config";
import { callProvider } from "@/lib/idp/in-process-transport";
import { getProvider } from "@/lib/idp/provider";

export const dynamic = "force-dynamic";

async function serve(request: Request): Promise<Response> {
  if (!getConfig().BUILTIN_IDP) {
    return Response.json({ error: "not_found", error_description: "the built-in identity provider is not enabled" }, { status: 404 });
  }
  try {
    return await callProvider(await getProvider(), request, "/.well-known/openid-configuration");
  } catch {
    return Response.json({ error: "temporarily_unavailable", error_description: "the identity provider is unavailable" }, { status: 503, headers: { "Retry-After": "5" } });
  }
}

export const GET = serve;
export const OPTIONS = serve;
