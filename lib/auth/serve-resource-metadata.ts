/**
 * The HTTP answers of the protected resource metadata documents (RFC 9728 §3.2):
 * public JSON, readable from any origin (CORS *), cacheable for a short while.
 */
import { protectedResourceMetadata } from "@/lib/auth/protected-resource-metadata";
import { getConfig } from "@/lib/config";
import { corsHeaders, preflightResponse } from "@/lib/http/cors";

/** `scopesSupported`: see protectedResourceMetadata. */
export function resourceMetadataResponse(scopesSupported: readonly string[]): Response {
  return Response.json(protectedResourceMetadata(getConfig(), scopesSupported), {
    headers: { ...corsHeaders({ kind: "public" }), "Cache-Control": "public, max-age=300" },
  });
}

export function resourceMetadataPreflight(): Response {
  return preflightResponse({ kind: "public" }, ["GET", "OPTIONS"]);
}
