import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccessTokenVerifier, InvalidAccessTokenError, VerifierUnavailableError, type VerifierOptions } from "@/lib/auth/access-token-verifier";
import type { ClientCheck } from "@/lib/auth/client-registry";

const ISSUER = "https://idp.example/realms/x";
const AUDIENCES = ["https://mcp.example/api/mcp", "mcp-server"];
const NOW = 1_800_000_000;

type Key = { privateKey: CryptoKey; jwk: JWK };
const keys: Record<string, Key> = {};

beforeAll(async () => {
  for (const alg of ["RS256", "ES256", "EdDSA"]) {
    const pair = await generateKeyPair(alg, { extractable: true });
    keys[alg] = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: `k-${alg}`, alg } };
  }
});

function sign(claims: JWTPayload, header: Record<string, unknown> = {}, alg = "RS256"): Promise<string> {
  const base = { iss: ISSUER, aud: "mcp-server", sub: "alice", client_id: "client-1", scope: "openid notes.read", iat: NOW, exp: NOW + 600, ...claims };
  for (const [k, v] of Object.entries(base)) if (v === undefined) delete (base as Record<string, unknown>)[k];
  return new SignJWT(base).setProtectedHeader({ alg, kid: `k-${alg}`, typ: "at+jwt", ...header } as { alg: string }).sign(keys[alg]!.privateKey);
}

function verifier(overrides: Partial<VerifierOptions> & { clock?: { now: number }; clients?: Map<string, ClientCheck> } = {}) {
  const clock = overrides.clock ?? { now: NOW * 1000 };
  let keyLookups = 0;
  const local = createLocalJWKSet({ keys: Object.values(keys).map((k) => k.jwk) });
  const instance = createAccessTokenVerifier({
    issuer: ISSUER,
    audiences: AUDIENCES,
    keys: async (header, token) => {
      keyLookups++;
      return local(header, token);
    },
    checkClient: async (id) => overrides.clients?.get(id) ?? { allowed: true, kind: "dynamic" },
    now: () => clock.now,
    ...overrides,
  });
  return { instance, clock, lookups: () => keyLookups };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidAccessTokenError);
  return (error as InvalidAccessTokenError).reason;
}

describe("access token verifier", () => {
  it("accepts RS256, ES256 and EdDSA access tokens and returns the caller", async () => {
    const { instance } = verifier();
    for (const alg of ["RS256", "ES256", "EdDSA"]) {
      const verified = await instance.verify(await sign({}, {}, alg));
      expect(verified).toMatchObject({ sub: "alice", clientId: "client-1", scopes: ["openid", "notes.read"], expiresAt: NOW + 600, audience: ["mcp-server"] });
    }
  });

  it("accepts either configured audience, also inside an audience array", async () => {
    const { instance } = verifier();
    await expect(instance.verify(await sign({ aud: "https://mcp.example/api/mcp" }))).resolves.toBeTruthy();
    await expect(instance.verify(await sign({ aud: ["nextcloud", "mcp-server"] }))).resolves.toBeTruthy();
    expect(await reason(instance.verify(await sign({ aud: "https://mcp.example/api/mcp/" })))).toBe("audience");
  });

  it("checks exp with no leeway (the exchange refuses an expired subject token) and nbf with 30 s of clock skew", async () => {
    const { instance } = verifier();
    await expect(instance.verify(await sign({ exp: NOW + 1 }))).resolves.toBeTruthy();
    expect(await reason(instance.verify(await sign({ exp: NOW })))).toBe("expired");
    expect(await reason(instance.verify(await sign({ exp: NOW - 20 })))).toBe("expired");
    await expect(instance.verify(await sign({ nbf: NOW + 20 }))).resolves.toBeTruthy();
    expect(await reason(instance.verify(await sign({ nbf: NOW + 40 })))).toBe("not_yet_valid");
  });

  it("accepts Keycloak-style tokens (typ JWT, azp, typ claim Bearer) and refuses ID tokens of the same shape", async () => {
    const { instance } = verifier();
    const keycloak = await sign({ client_id: undefined, azp: "kc-client", typ: "Bearer" }, { typ: "JWT" });
    expect((await instance.verify(keycloak)).clientId).toBe("kc-client");
    expect((await instance.verify(await sign({}, { typ: "application/at+jwt" }))).sub).toBe("alice");
    expect(await reason(instance.verify(await sign({ scope: undefined, client_id: undefined, azp: "kc", nonce: "n" }, { typ: "JWT" })))).toBe("not_an_access_token");
    expect(await reason(instance.verify(await sign({ scope: undefined }, { typ: "JWT" })))).toBe("not_an_access_token");
    expect(await reason(instance.verify(await sign({ typ: "ID" }, { typ: "JWT" })))).toBe("not_an_access_token");
    // at+jwt may omit scope (RFC 9068 §2.2.3): then it grants no scope.
    expect((await instance.verify(await sign({ scope: undefined }))).scopes).toEqual([]);
  });

  it("refuses missing sub, client and exp", async () => {
    const { instance } = verifier();
    expect(await reason(instance.verify(await sign({ sub: undefined })))).toBe("claims");
    expect(await reason(instance.verify(await sign({ client_id: undefined })))).toBe("claims");
    expect(await reason(instance.verify(await sign({ exp: undefined })))).toBe("claims");
    expect(await reason(instance.verify(await sign({ sub: "" })))).toBe("claims");
  });

  it("refuses oversized tokens and oversized headers before any crypto", async () => {
    const { instance, lookups } = verifier();
    expect(await reason(instance.verify("a".repeat(9000)))).toBe("too_large");
    expect(await reason(instance.verify(await sign({}, { pad: "x".repeat(3000) })))).toBe("malformed");
    expect(lookups()).toBe(0);
  });

  it("remembers a verified token: no second signature check, but expiry and the client are checked on every use", async () => {
    const clients = new Map<string, ClientCheck>();
    const { instance, clock, lookups } = verifier({ clients });
    const token = await sign({ exp: NOW + 45 });
    await instance.verify(token);
    await instance.verify(token);
    expect(lookups()).toBe(1);
    clients.set("client-1", { allowed: false, reason: "client_disabled" });
    expect(await reason(instance.verify(token))).toBe("client_refused");
    clients.delete("client-1");
    clock.now = (NOW + 80) * 1000;
    expect(await reason(instance.verify(token))).toBe("expired");
  });

  it("forgets remembered tokens after the cache age and re-verifies them", async () => {
    const { instance, clock, lookups } = verifier({ cache: { maxEntries: 2, maxAgeMs: 1_000 } });
    const token = await sign({});
    await instance.verify(token);
    clock.now += 1_500;
    await instance.verify(token);
    expect(lookups()).toBe(2);
  });

  it("reports an unreachable IdP or client registry as unavailable, not as a bad token", async () => {
    const down = verifier({ keys: async () => Promise.reject(new TypeError("fetch failed")) }).instance;
    await expect(down.verify(await sign({}))).rejects.toBeInstanceOf(VerifierUnavailableError);
    const noDb = verifier({ checkClient: async () => Promise.reject(new Error("database down")) }).instance;
    await expect(noDb.verify(await sign({}))).rejects.toBeInstanceOf(VerifierUnavailableError);
  });
});

describe("grant liveness (built-in IdP)", () => {
  it("accepts a token whose grant exists and refuses it once the grant is gone, even from the cache", async () => {
    const grants = new Set(["g-1"]);
    const { instance } = verifier({ checkGrant: async (id) => grants.has(id) });
    const token = await sign({ gid: "g-1" });
    expect((await instance.verify(token)).grantId).toBe("g-1");
    grants.delete("g-1"); // the connection was revoked
    expect(await reason(instance.verify(token))).toBe("grant_revoked");
  });

  it("refuses a token that names no grant when grants are checked", async () => {
    const { instance } = verifier({ checkGrant: async () => true });
    expect(await reason(instance.verify(await sign({})))).toBe("grant_revoked");
  });

  it("reports an unreachable grant store as unavailable, not as the caller's fault", async () => {
    const { instance } = verifier({
      checkGrant: async () => {
        throw new Error("database down");
      },
    });
    await expect(instance.verify(await sign({ gid: "g-1" }))).rejects.toBeInstanceOf(VerifierUnavailableError);
  });
});
