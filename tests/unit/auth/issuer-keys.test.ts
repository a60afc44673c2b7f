import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { createIssuerKeySource, IssuerMetadataError } from "@/lib/auth/issuer-keys";

const ISSUER = "https://kc.example/realms/r";

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

/** An IdP's well-known documents as a fetch function, counting requests per URL. */
function fakeIdp(documents: Record<string, unknown>) {
  const hits: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : String(input);
    hits.push(url);
    const doc = documents[url];
    return doc === undefined ? new Response("no", { status: 404 }) : Response.json(doc);
  }) as typeof fetch;
  return { fetchFn, hits };
}

const header = (kid: string) => ({ alg: "RS256", kid });

describe("issuer keys", () => {
  it("finds the JWKS through OpenID discovery and resolves keys by kid", async () => {
    const k1 = await keyPair("k1");
    const { fetchFn, hits } = fakeIdp({
      [`${ISSUER}/.well-known/openid-configuration`]: { issuer: ISSUER, jwks_uri: `${ISSUER}/certs` },
      [`${ISSUER}/certs`]: { keys: [k1.jwk] },
    });
    const keys = createIssuerKeySource(ISSUER, { fetch: fetchFn });
    expect(await keys(header("k1"), {} as never)).toBeTruthy();
    expect(hits).toEqual([`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/certs`]);
  });

  it("falls back to RFC 8414 path-inserted metadata", async () => {
    const k1 = await keyPair("k1");
    const { fetchFn } = fakeIdp({
      "https://kc.example/.well-known/oauth-authorization-server/realms/r": { issuer: ISSUER, jwks_uri: "https://kc.example/jwks" },
      "https://kc.example/jwks": { keys: [k1.jwk] },
    });
    await expect(createIssuerKeySource(ISSUER, { fetch: fetchFn })(header("k1"), {} as never)).resolves.toBeTruthy();
  });

  it("refuses metadata that names another issuer, and a plain-http jwks_uri for an https issuer", async () => {
    const mismatch = fakeIdp({ [`${ISSUER}/.well-known/openid-configuration`]: { issuer: "https://evil.example", jwks_uri: "https://evil.example/jwks" } });
    await expect(createIssuerKeySource(ISSUER, { fetch: mismatch.fetchFn })(header("k1"), {} as never)).rejects.toBeInstanceOf(IssuerMetadataError);
    const http = fakeIdp({ [`${ISSUER}/.well-known/openid-configuration`]: { issuer: ISSUER, jwks_uri: "http://kc.example/jwks" } });
    await expect(createIssuerKeySource(ISSUER, { fetch: http.fetchFn })(header("k1"), {} as never)).rejects.toThrow(/https/);
  });

  it("refetches the JWKS for an unknown kid at most once per cooldown (key rotation without a request flood)", async () => {
    const k1 = await keyPair("k1");
    const k2 = await keyPair("k2");
    const docs: Record<string, unknown> = {
      [`${ISSUER}/.well-known/openid-configuration`]: { issuer: ISSUER, jwks_uri: `${ISSUER}/certs` },
      [`${ISSUER}/certs`]: { keys: [k1.jwk] },
    };
    const { fetchFn, hits } = fakeIdp(docs);
    const keys = createIssuerKeySource(ISSUER, { fetch: fetchFn, cooldownMs: 200 });
    await keys(header("k1"), {} as never);
    for (let i = 0; i < 20; i++) await expect(keys(header(`made-up-${i}`), {} as never)).rejects.toThrow();
    expect(hits.filter((h) => h.endsWith("/certs"))).toHaveLength(1);
    docs[`${ISSUER}/certs`] = { keys: [k1.jwk, k2.jwk] }; // the IdP rotates
    await new Promise((r) => setTimeout(r, 250));
    await expect(keys(header("k2"), {} as never)).resolves.toBeTruthy();
    expect(hits.filter((h) => h.endsWith("/certs"))).toHaveLength(2);
  });

  it("retries discovery after a failure instead of caching it forever", async () => {
    const docs: Record<string, unknown> = {};
    const { fetchFn } = fakeIdp(docs);
    const keys = createIssuerKeySource(ISSUER, { fetch: fetchFn, cooldownMs: 50 });
    await expect(keys(header("k1"), {} as never)).rejects.toBeInstanceOf(IssuerMetadataError);
    const k1 = await keyPair("k1");
    docs[`${ISSUER}/.well-known/openid-configuration`] = { issuer: ISSUER, jwks_uri: `${ISSUER}/certs` };
    docs[`${ISSUER}/certs`] = { keys: [k1.jwk] };
    await new Promise((r) => setTimeout(r, 80));
    await expect(keys(header("k1"), {} as never)).resolves.toBeTruthy();
  });
});
