/**
 * Checks a refresh request's `resource` before oidc-provider rotates the
 * refresh token (RFC 8707 §2.2, OAuth 2.1 §4.3.1).
 *
 * oidc-provider's refresh_token grant consumes the presented refresh token
 * (rotation) first and only then resolves the requested resource, so a
 * request with a resource the token does not cover answered invalid_target
 * *and* burnt the token: the client's next refresh with the same token
 * counted as reuse and revoked the whole grant. This runs from the
 * configuration's `rotateRefreshToken(ctx)` hook, which the grant calls right
 * before it consumes the token: a bad resource is refused while the token is
 * still current, with the answer the grant would have given (invalid_target).
 *
 * Rules, as in oidc-provider's own resource checks (shared/check_resource.js,
 * helpers/resolve_resource.js), applied to every requested value:
 * - an absolute URI without a fragment (RFC 8707 §2);
 * - one the refresh token was granted for;
 * - one this client may obtain tokens for (describeResource, the same
 *   rule as getResourceServerInfo).
 * No `resource` at all: the granted one is used (useGrantedResource), nothing
 * to check here.
 */
import { errors } from "oidc-provider";
import { describeResource } from "./resources";

interface RefreshContext {
  oidc: {
    params?: { resource?: unknown };
    client?: { clientId: string };
    entities: { RefreshToken?: { resourceIndicators: Set<string | undefined> } };
  };
}

export function checkRefreshResource(ctx: RefreshContext): void {
  const requested = ctx.oidc.params?.resource;
  if (requested === undefined || requested === null || requested === "") return;
  const values = Array.isArray(requested) ? requested : [requested];
  const token = ctx.oidc.entities.RefreshToken;
  const clientId = ctx.oidc.client?.clientId;
  for (const value of values) {
    if (typeof value !== "string") throw new errors.InvalidTarget("resource indicator must be an absolute URI");
    const href = URL.parse(value)?.href;
    if (!href) throw new errors.InvalidTarget("resource indicator must be an absolute URI");
    if (href.includes("#")) throw new errors.InvalidTarget("resource indicator must not contain a fragment component");
    if (!token?.resourceIndicators.has(value)) throw new errors.InvalidTarget("the refresh token was not granted for this resource");
    if (!clientId || !describeResource(value, clientId)) throw new errors.InvalidTarget("this client may not request tokens for that resource");
  }
}
