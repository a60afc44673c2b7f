/**
 * The signature rules of the access token verifier, each tried on its own
 * (issue 19 defect 2: they were enforced by hand-written code and untested;
 * jose enforces them now). Every token below is otherwise valid.
 * - the key must fit the algorithm (RFC 8725 §3.1): an RSA key for RS/PS, the
 *   matching curve for ES256/384/512, an Ed25519 key for EdDSA;
 * - RSA keys of fewer than 2048 bits are refused (RFC 7518 §3.3);
 * - an ECDSA signature must be the fixed-size R||S form (RFC 7518 §3.4);
 * - `crit` naming an extension the verifier does not understand is refused
 *   (RFC 7515 §4.1.11), and so is an unencoded payload (`b64: false`, RFC 7797);
 * - a changed header, payload or signature fails.
 * Refusals are 401 causes (InvalidAccessTokenError), never "unavailable".
 */
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { createLocalJWKSet, exportJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { createAccessTokenVerifier, InvalidAccessTokenError } from "@/lib/auth/access-token-verifier";

const ISSUER = "https://idp.example";
const AUDIENCE = "mcp-server";
const NOW = 1_800_000_000;
const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const claims = { iss: ISSUER, aud: AUDIENCE, sub: "alice", client_id: "c1", scope: "openid", iat: NOW, exp: NOW + 600 };

type Pair = { privateKey: KeyObject; jwk: JWK };
async function pair(kid: string, alg: string, type: "rsa" | "ec" | "ed25519", options: Record<string, unknown> = {}): Promise<Pair> {
  const { privateKey, publicKey } = generateKeyPairSync(type as "rsa", options as never) as unknown as { privateKey: KeyObject; publicKey: KeyObject };
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

/** Signs `header.payload` with node:crypto exactly as asked (no library checks in the way). */
function signRaw(header: Record<string, unknown>, payload: unknown, key: KeyObject, how: { hash: string | null; dsaEncoding?: "ieee-p1363" | "der" }): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = nodeSign(how.hash, Buffer.from(input), how.dsaEncoding ? { key, dsaEncoding: how.dsaEncoding } : key);
  return `${input}.${signature.toString("base64url")}`;
}

async function setup() {
  const rsa = await pair("rsa", "RS256", "rsa", { modulusLength: 2048 });
  const rsaSmall = await pair("rsa-small", "RS256", "rsa", { modulusLength: 1024 });
  const p256 = await pair("p256", "ES256", "ec", { namedCurve: "P-256" });
  const p384AsEs256 = await pair("p384", "ES256", "ec", { namedCurve: "P-384" });
  const ed = await pair("ed", "EdDSA", "ed25519");
  const keys = createLocalJWKSet({ keys: [rsa.jwk, rsaSmall.jwk, p256.jwk, { ...p384AsEs256.jwk }, ed.jwk, { ...rsa.jwk, kid: "rsa-as-es", alg: "ES256" }] });
  const verifier = createAccessTokenVerifier({ issuer: ISSUER, audiences: [AUDIENCE], keys, checkClient: async () => ({ allowed: true, kind: "dynamic" }), now: () => NOW * 1000 });
  return { rsa, rsaSmall, p256, p384AsEs256, ed, verifier };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidAccessTokenError);
  return (error as InvalidAccessTokenError).reason;
}

describe("verifier signature rules", () => {
  it("accepts correctly signed RS256, ES256 and EdDSA tokens made without jose", async () => {
    const { rsa, p256, ed, verifier } = await setup();
    expect((await verifier.verify(signRaw({ alg: "RS256", kid: "rsa", typ: "at+jwt" }, claims, rsa.privateKey, { hash: "sha256" }))).sub).toBe("alice");
    expect((await verifier.verify(signRaw({ alg: "ES256", kid: "p256", typ: "at+jwt" }, claims, p256.privateKey, { hash: "sha256", dsaEncoding: "ieee-p1363" }))).sub).toBe("alice");
    expect((await verifier.verify(signRaw({ alg: "EdDSA", kid: "ed", typ: "at+jwt" }, claims, ed.privateKey, { hash: null }))).sub).toBe("alice");
  });

  it("refuses an RSA key shorter than 2048 bits", async () => {
    const { rsaSmall, verifier } = await setup();
    expect(await refusal(verifier.verify(signRaw({ alg: "RS256", kid: "rsa-small", typ: "at+jwt" }, claims, rsaSmall.privateKey, { hash: "sha256" })))).toBe("signature");
  });

  it("refuses a key that does not fit the algorithm: another curve, another key type", async () => {
    const { p384AsEs256, rsa, verifier } = await setup();
    const wrongCurve = signRaw({ alg: "ES256", kid: "p384", typ: "at+jwt" }, claims, p384AsEs256.privateKey, { hash: "sha256", dsaEncoding: "ieee-p1363" });
    expect(["signature", "unknown_key"]).toContain(await refusal(verifier.verify(wrongCurve)));
    const rsaAsEcdsa = signRaw({ alg: "ES256", kid: "rsa-as-es", typ: "at+jwt" }, claims, rsa.privateKey, { hash: "sha256" });
    expect(["signature", "unknown_key"]).toContain(await refusal(verifier.verify(rsaAsEcdsa)));
  });

  it("refuses an ECDSA signature in DER form or of the wrong length", async () => {
    const { p256, verifier } = await setup();
    const der = signRaw({ alg: "ES256", kid: "p256", typ: "at+jwt" }, claims, p256.privateKey, { hash: "sha256", dsaEncoding: "der" });
    expect(await refusal(verifier.verify(der))).toBe("signature");
    const good = signRaw({ alg: "ES256", kid: "p256", typ: "at+jwt" }, claims, p256.privateKey, { hash: "sha256", dsaEncoding: "ieee-p1363" });
    const [h, p, s] = good.split(".") as [string, string, string];
    const longer = Buffer.concat([Buffer.from(s, "base64url"), Buffer.from([0])]).toString("base64url");
    expect(await refusal(verifier.verify(`${h}.${p}.${longer}`))).toBe("signature");
  });

  it("refuses crit with an unknown extension, and an unencoded payload (b64: false)", async () => {
    const { rsa, verifier } = await setup();
    const crit = signRaw({ alg: "RS256", kid: "rsa", typ: "at+jwt", crit: ["x-unknown"], "x-unknown": 1 }, claims, rsa.privateKey, { hash: "sha256" });
    expect(["malformed", "signature"]).toContain(await refusal(verifier.verify(crit)));
    const header = { alg: "RS256", kid: "rsa", typ: "at+jwt", b64: false, crit: ["b64"] };
    const unencoded = `${b64(header)}.${JSON.stringify(claims)}`;
    const signature = nodeSign("sha256", Buffer.from(unencoded), rsa.privateKey).toString("base64url");
    expect(["malformed", "signature"]).toContain(await refusal(verifier.verify(`${b64(header)}.${b64(claims)}.${signature}`)));
  });

  it("refuses a token whose header, payload or signature was changed after signing", async () => {
    const { rsa, verifier } = await setup();
    const token = signRaw({ alg: "RS256", kid: "rsa", typ: "at+jwt" }, claims, rsa.privateKey, { hash: "sha256" });
    const [h, p, s] = token.split(".") as [string, string, string];
    expect(await refusal(verifier.verify(`${b64({ alg: "RS256", kid: "rsa", typ: "JWT" })}.${p}.${s}`))).toBe("signature");
    expect(await refusal(verifier.verify(`${h}.${b64({ ...claims, scope: "openid notes.write" })}.${s}`))).toBe("signature");
    expect(await refusal(verifier.verify(`${h}.${p}.${s.slice(0, -4)}AAAA`))).toBe("signature");
  });
});
