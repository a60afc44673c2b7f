/**
 * Narrowing a client's grant reaches its outstanding JWTs: the verifier keeps
 * only the scopes the grant still holds, on every use of a token (also from
 * its cache of verified tokens), and never adds scopes the token lacks.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccessTokenVerifier } from "@/lib/auth/access-token-verifier";
import { grantedMcpScopes } from "@/lib/auth/grant-liveness";

const ISSUER = "https://idp.example/api/oidc";
const MCP = "https://mcp.example/api/mcp";
const NOW = 1_800_000_000;
let privateKey: CryptoKey;
let jwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256" };
});

const sign = (claims: JWTPayload) =>
  new SignJWT({ iss: ISSUER, aud: MCP, sub: "alice", client_id: "c1", gid: "g-1", scope: "notes.read notes.write files.read", iat: NOW, exp: NOW + 600, ...claims })
    .setProtectedHeader({ alg: "ES256", kid: "k1", typ: "at+jwt" })
    .sign(privateKey);

function verifierWith(grant: { current: false | Set<string> }) {
  return createAccessTokenVerifier({
    issuer: ISSUER,
    audiences: [MCP],
    keys: createLocalJWKSet({ keys: [jwk] }),
    checkClient: async () => ({ allowed: true, kind: "dynamic" }),
    checkGrant: async () => (grant.current === false ? false : { scopes: grant.current }),
    now: () => NOW * 1000,
  });
}

describe("grant narrowing in the verifier", () => {
  it("keeps only the scopes the grant still holds, on the next use of the same (cached) token", async () => {
    const grant = { current: new Set(["notes.read", "notes.write", "files.read"]) as false | Set<string> };
    const verifier = verifierWith(grant);
    const token = await sign({});
    expect((await verifier.verify(token)).scopes).toEqual(["notes.read", "notes.write", "files.read"]);
    grant.current = new Set(["notes.read", "files.read"]);
    expect((await verifier.verify(token)).scopes).toEqual(["notes.read", "files.read"]);
    grant.current = false;
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: "grant_revoked" });
  });

  it("never widens: a scope the grant holds but the token lacks stays out", async () => {
    const verifier = verifierWith({ current: new Set(["notes.read", "notes.write", "files.read", "files.write", "deck.read"]) });
    expect((await verifier.verify(await sign({ scope: "notes.read" }))).scopes).toEqual(["notes.read"]);
  });
});

describe("grantedMcpScopes", () => {
  it("reads the MCP resource's scopes and the OpenID scopes, minus rejected ones, and nothing of other resources", () => {
    const payload = {
      openid: { scope: "openid offline_access" },
      resources: { [MCP]: "notes.read notes.write files.write", "urn:nextcloud-mcp:resource:nextcloud": "deck.read" },
      rejected: { resources: { [MCP]: "files.write" }, openid: { scope: "openid" } },
    };
    expect([...grantedMcpScopes(payload, MCP)].sort()).toEqual(["notes.read", "notes.write", "offline_access", "openid"]);
  });

  it("treats a malformed payload as granting nothing", () => {
    for (const payload of [null, "x", 3, { resources: { [MCP]: 5 } }, { openid: [] }]) expect(grantedMcpScopes(payload, MCP).size).toBe(0);
  });
});
