/**
 * Mounts the built-in IdP (oidc-provider, a Koa app) at /api/oidc. A Pages
 * Router API route gives the raw Node request and response the provider needs:
 * the body stays unparsed (the provider reads the stream itself) and the
 * provider, not Next.js, ends the response.
 *
 * The provider sees URLs relative to its mount; `originalUrl`/`baseUrl` let it
 * build its endpoint URLs with the /api/oidc prefix again.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { cachedDocumentPath, serveCachedDocument } from "@/lib/idp/cached-documents";
import { providerCallback } from "@/lib/idp/in-process-transport";
import { getProvider } from "@/lib/idp/provider";

export const config = { api: { bodyParser: false, externalResolver: true } };

const MOUNT_PATH = "/api/oidc";

type MountedRequest = IncomingMessage & { originalUrl?: string; baseUrl?: string };

function unavailable(res: ServerResponse, status: number, error: string, description: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify({ error, error_description: description }));
}

export default async function oidcRoute(req: MountedRequest, res: ServerResponse): Promise<void> {
  if (!getConfig().BUILTIN_IDP) return unavailable(res, 404, "not_found", "the built-in identity provider is not enabled (OIDC_ISSUER is set)");
  const url = req.url ?? "/";
  if (url !== MOUNT_PATH && !url.startsWith(`${MOUNT_PATH}/`) && !url.startsWith(`${MOUNT_PATH}?`)) {
    return unavailable(res, 404, "not_found", "unknown endpoint");
  }
  let provider;
  try {
    provider = await getProvider();
  } catch (error) {
    log.error("the identity provider could not start", { reason: error instanceof Error ? error.message : String(error) });
    return unavailable(res, 503, "temporarily_unavailable", "the identity provider is starting or unavailable; try again shortly");
  }
  const inner = url.slice(MOUNT_PATH.length) || "/";
  // Discovery and JWKS: from memory, with cache headers (Nextcloud reads them on nearly every call).
  const cached = cachedDocumentPath(req.method, inner);
  if (cached) {
    try {
      return await serveCachedDocument(provider, req, res, cached);
    } catch (error) {
      log.error("the identity provider could not serve a document", { path: cached, reason: error instanceof Error ? error.message : String(error) });
      return unavailable(res, 503, "temporarily_unavailable", "the identity provider is unavailable; try again shortly");
    }
  }
  req.originalUrl = url;
  req.baseUrl = MOUNT_PATH;
  req.url = inner.startsWith("?") ? `/${inner}` : inner;
  providerCallback(provider)(req, res);
}
