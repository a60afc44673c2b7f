/**
 * The built-in IdP's grant behind a token, as it is now. JWT access tokens
 * are stateless, so two decisions taken after a token was issued would not
 * reach it without this check:
 * - revocation (dashboard, RFC 7009 on its refresh token, refresh-token reuse
 *   detection) destroys the grant: the token stops working;
 * - narrowing (the person removes tool scopes of one client on the
 *   dashboard) rewrites the grant's scopes for the MCP resource: the token
 *   keeps only the scopes the grant still holds (the verifier intersects,
 *   RFC 9068 §4 leaves authorization decisions to the resource server).
 * Answers are cached for GRANT_CHECK_CACHE_MS; every grant saved or destroyed
 * by this process's IdP is forgotten at once (lib/idp/provider.ts), so a
 * change applies on the very next request. A token issued after the cached
 * answer was read (a step-up elsewhere widened the grant) never meets that
 * older answer: it is read again, so a fresh token is not cut down to a
 * stale grant.
 */
import { createTtlCache } from "@/lib/cache/ttl-cache";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { processWide } from "@/lib/process-wide";

export const GRANT_CHECK_CACHE_MS = 3_000;

/** false: the grant is gone or expired; otherwise the scopes it currently grants an MCP token. */
export type GrantState = false | { scopes: ReadonlySet<string> };

type CachedState = false | { scopes: ReadonlySet<string>; readAt: number };

interface GrantPayload {
  openid?: { scope?: string };
  resources?: Record<string, string>;
  rejected?: { openid?: { scope?: string }; resources?: Record<string, string> };
}

const words = (value: unknown): string[] => (typeof value === "string" ? value.split(" ").filter(Boolean) : []);

/**
 * What oidc-provider's Grant#getResourceScope and #getOIDCScope compute
 * (granted minus rejected), read from the stored payload without loading the provider.
 */
export function grantedMcpScopes(payload: unknown, resource: string): Set<string> {
  const grant = (typeof payload === "object" && payload !== null ? payload : {}) as GrantPayload;
  const rejected = new Set([...words(grant.rejected?.resources?.[resource]), ...words(grant.rejected?.openid?.scope).filter((s) => s !== "openid")]);
  return new Set([...words(grant.resources?.[resource]), ...words(grant.openid?.scope)].filter((s) => !rejected.has(s)));
}

async function load(grantId: string): Promise<CachedState> {
  const readAt = Date.now();
  const prisma = await db();
  const row = await prisma.oidcPayload.findUnique({ where: { model_id: { model: "Grant", id: grantId } }, select: { expiresAt: true, payload: true } });
  if (row === null || (row.expiresAt !== null && row.expiresAt.getTime() <= Date.now())) return false;
  // The MCP resource indicator is the MCP audience (lib/idp/resources.ts).
  return { scopes: grantedMcpScopes(row.payload, getConfig().MCP_AUDIENCE), readAt };
}

const cache = () => processWide("cache.grant-liveness", () => createTtlCache<string, CachedState>({ ttlMs: GRANT_CHECK_CACHE_MS, maxEntries: 10_000, load }));

export function forgetGrant(grantId: string): void {
  cache().forget(grantId);
}

/** `issuedAt`: the token's `iat` (seconds); an answer read before (or within) that second is read again. */
export async function currentGrant(grantId: string, issuedAt?: number): Promise<GrantState> {
  const state = await cache().get(grantId);
  if (state && issuedAt !== undefined && state.readAt < (issuedAt + 1) * 1000) {
    cache().forget(grantId);
    return cache().get(grantId);
  }
  return state;
}
