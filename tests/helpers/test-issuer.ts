/**
 * A tiny token issuer for tests: real key pairs (jose), an OpenID discovery
 * document and a JWKS served on 127.0.0.1 under a path issuer (like the
 * built-in IdP's /api/oidc), and a `mint` that signs tokens with whatever
 * claims, algorithm and key id a test needs — including the malicious ones
 * (alg none, HS256 keyed with the public key, unpublished keys).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export type TestAlg = "ES256" | "RS256" | "PS256" | "EdDSA";

export interface TestKey {
  kid: string;
  alg: TestAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface MintOptions {
  /** Sign with this key (default: the newest published key). */
  key?: TestKey;
  /** Override the header's kid (e.g. a kid the issuer never published). */
  kid?: string;
  typ?: string;
}

/** Claims to set; `undefined` removes a default claim. */
export type TestClaims = Record<string, unknown>;

export interface TestIssuer {
  issuer: string;
  jwksUrl: string;
  /** Requests served, by document. */
  hits: { discovery: number; jwks: number };
  keys: TestKey[];
  mint(claims?: TestClaims, options?: MintOptions): Promise<string>;
  /** An unsecured JWT (RFC 7519 §6, alg "none"). */
  mintUnsigned(claims?: TestClaims): string;
  /** HS256 keyed with the published public key's JSON (the RS/HS confusion attack). */
  mintWithPublicKeyAsHmacSecret(claims?: TestClaims): Promise<string>;
  /** A new key pair; published in the JWKS unless `publish` is false. */
  addKey(options?: { alg?: TestAlg; kid?: string; publish?: boolean }): Promise<TestKey>;
  /** Make the JWKS (and discovery) answer 503, or serve again. */
  setAvailable(available: boolean): void;
  close(): Promise<void>;
}

async function newKey(alg: TestAlg, kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === "EdDSA" ? { crv: "Ed25519" } : undefined);
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export async function startTestIssuer(options: { alg?: TestAlg; path?: string; audience?: string; defaultClaims?: TestClaims } = {}): Promise<TestIssuer> {
  const path = options.path ?? "/api/oidc";
  const published: TestKey[] = [];
  const all: TestKey[] = [];
  const hits = { discovery: 0, jwks: 0 };
  let available = true;
  let issuer = "";

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (pathname === `${path}/.well-known/openid-configuration`) {
      hits.discovery++;
      if (!available) return send(503, { error: "unavailable" });
      return send(200, { issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token`, id_token_signing_alg_values_supported: ["ES256", "RS256"] });
    }
    if (pathname === `${path}/jwks`) {
      hits.jwks++;
      if (!available) return send(503, { error: "unavailable" });
      return send(200, { keys: published.map((k) => k.publicJwk) });
    }
    send(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

  const addKey: TestIssuer["addKey"] = async (o = {}) => {
    const key = await newKey(o.alg ?? options.alg ?? "ES256", o.kid ?? `k-${randomUUID().slice(0, 8)}`);
    all.push(key);
    if (o.publish !== false) published.unshift(key);
    return key;
  };
  await addKey();

  const payloadOf = (claims: TestClaims = {}): JWTPayload => {
    const now = Math.floor(Date.now() / 1000);
    const merged: TestClaims = {
      iss: issuer,
      aud: options.audience ?? "nextcloud",
      sub: "alice",
      scope: "account.read",
      client_id: "mcp-server",
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
      ...options.defaultClaims,
      ...claims,
    };
    return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as JWTPayload;
  };

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    hits,
    keys: all,
    addKey,
    async mint(claims, mintOptions = {}) {
      const key = mintOptions.key ?? published[0]!;
      return new SignJWT(payloadOf(claims))
        .setProtectedHeader({ alg: key.alg, kid: mintOptions.kid ?? key.kid, typ: mintOptions.typ ?? "at+jwt" })
        .sign(key.privateKey);
    },
    mintUnsigned(claims) {
      return new UnsecuredJWT(payloadOf(claims)).encode();
    },
    async mintWithPublicKeyAsHmacSecret(claims) {
      const key = published[0]!;
      const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
      return new SignJWT(payloadOf(claims)).setProtectedHeader({ alg: "HS256", kid: key.kid, typ: "at+jwt" }).sign(secret);
    },
    setAvailable(value) {
      available = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
