/**
 * The built-in IdP's discovery document and JWKS are served from memory with
 * cache headers (Nextcloud's user_oidc reads them on nearly every bearer
 * request when it has no memcache), and are exactly what oidc-provider
 * itself answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "@/lib/config";
import { DOCUMENT_MAX_AGE_SECONDS } from "@/lib/idp/cached-documents";
import { testDbKind } from "../helpers/databases";
import { startInProcessIdp, type InProcessIdp } from "../helpers/in-process-idp";

describe(`cached IdP documents on ${testDbKind()}`, () => {
  let idp: InProcessIdp;
  beforeAll(async () => {
    idp = await startInProcessIdp();
  });
  afterAll(async () => idp?.close());

  it("serves discovery and JWKS with Cache-Control, the same bytes every time, no cookies", async () => {
    for (const path of ["/api/oidc/.well-known/openid-configuration", "/api/oidc/jwks"]) {
      const first = await fetch(`${idp.url}${path}`);
      const second = await fetch(`${idp.url}${path}`);
      expect(first.status, path).toBe(200);
      expect(first.headers.get("cache-control"), path).toBe(`public, max-age=${DOCUMENT_MAX_AGE_SECONDS}`);
      expect(first.headers.get("content-type"), path).toMatch(/^application\/(jwk-set\+)?json/);
      expect(first.headers.get("set-cookie"), path).toBeNull();
      expect(await second.text(), path).toBe(await first.text());
    }
  });

  it("the cached discovery document is the provider's own (issuer, jwks_uri, endpoints under the issuer)", async () => {
    const doc = (await (await fetch(`${idp.url}/api/oidc/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const issuer = getConfig().ISSUER;
    expect(doc.issuer).toBe(issuer);
    expect(doc.jwks_uri).toBe(`${issuer}/jwks`);
    expect(doc.token_endpoint?.startsWith(issuer)).toBe(true);
  });

  it("answers HEAD without a body and leaves requests with a query string to the provider", async () => {
    const head = await fetch(`${idp.url}/api/oidc/jwks`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const withQuery = await fetch(`${idp.url}/api/oidc/jwks?x=1`);
    expect(withQuery.headers.get("cache-control")).not.toBe(`public, max-age=${DOCUMENT_MAX_AGE_SECONDS}`);
  });

  it("answers CORS per request: each origin gets its own Access-Control-Allow-Origin, not the first caller's", async () => {
    for (const path of ["/api/oidc/.well-known/openid-configuration", "/api/oidc/jwks"]) {
      const none = await fetch(`${idp.url}${path}`);
      const a = await fetch(`${idp.url}${path}`, { headers: { origin: "https://a.example" } });
      const b = await fetch(`${idp.url}${path}`, { headers: { origin: "https://b.example" } });
      expect(none.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(a.headers.get("access-control-allow-origin"), path).toBe("https://a.example");
      expect(b.headers.get("access-control-allow-origin"), path).toBe("https://b.example");
      expect(b.headers.get("vary"), path).toMatch(/origin/i);
      expect(b.headers.get("access-control-allow-credentials"), path).toBeNull();
    }
  });
});
