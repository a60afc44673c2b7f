/**
 * Key material of the built-in IdP.
 *
 * Signing keys: OIDC_SIGNING_KEYS (a private JWK Set) when given; otherwise an
 * ES256 key (MCP access tokens, ID tokens) and an RS256 key (Nextcloud tokens:
 * RS256 is what every Nextcloud `user_oidc` version accepts) are generated
 * once and stored sealed in InstanceSetting. oidc-provider signs with the
 * first key of the wanted algorithm, so rotation puts new keys first and keeps
 * the old ones published in the JWKS (tokens they signed keep verifying) until
 * they are retired (scripts/keys-rotate-signing.ts).
 *
 * Cookie keys: OIDC_COOKIE_KEYS, or one generated and stored sealed.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, type JsonWebKey } from "node:crypto";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { getOrCreateSealedSetting, readSealedSetting, writeSealedSetting } from "./sealed-settings";

export const SIGNING_KEYS_SETTING = "idp.signing-keys";
export const COOKIE_KEYS_SETTING = "idp.cookie-keys";

const privateJwk = z
  .object({
    kty: z.enum(["EC", "RSA", "OKP"]),
    kid: z.string().min(1).max(100).optional(),
    d: z.string().min(1, "must be a private key (d missing)"),
    alg: z.string().optional(),
    use: z.literal("sig").optional(),
  })
  .passthrough();

const jwkSet = z.object({ keys: z.array(privateJwk).min(1, "must hold at least one key") });

export type PrivateJwk = z.infer<typeof privateJwk> & { kid: string };
export interface SigningKeys {
  keys: PrivateJwk[];
  source: "env" | "database";
}

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyError";
  }
}

function parseJwks(json: string, where: string): PrivateJwk[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new SigningKeyError(`${where} is not valid JSON (expected a JWK Set: {"keys":[…]})`);
  }
  const parsed = jwkSet.safeParse(raw);
  if (!parsed.success) throw new SigningKeyError(`${where} is not a private JWK Set: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data.keys.map((k, i) => ({ ...k, kid: k.kid ?? `${where.toLowerCase().replace(/\W+/g, "-")}-${i}` }));
}

function newKid(kind: string): string {
  return `${kind}-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString("hex")}`;
}

/** A fresh ES256 and RS256 signing key pair, as private JWKs. */
export function generateSigningKeys(): PrivateJwk[] {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  return [
    { ...(ec as PrivateJwk), kid: newKid("es256"), alg: "ES256", use: "sig" },
    { ...(rsa as PrivateJwk), kid: newKid("rs256"), alg: "RS256", use: "sig" },
  ];
}

export async function loadSigningKeys(): Promise<SigningKeys> {
  const fromEnv = getConfig().OIDC_SIGNING_KEYS;
  if (fromEnv) return { keys: parseJwks(fromEnv, "OIDC_SIGNING_KEYS"), source: "env" };
  const json = await getOrCreateSealedSetting(SIGNING_KEYS_SETTING, () => JSON.stringify({ keys: generateSigningKeys() }));
  return { keys: parseJwks(json, "The stored signing key set"), source: "database" };
}

/** The public half of each key, for verifying our own tokens (and what /jwks publishes). */
export function publicJwks(keys: readonly PrivateJwk[]): { keys: JsonWebKey[] } {
  return {
    keys: keys.map((k) => {
      const pub = createPublicKey({ key: k as JsonWebKey, format: "jwk" }).export({ format: "jwk" });
      return { ...pub, kid: k.kid, use: "sig", ...(k.alg ? { alg: k.alg } : {}) };
    }),
  };
}

/** The algorithm the first usable key of a type signs with (ES256 preferred for MCP tokens). */
export function signingAlgorithms(keys: readonly PrivateJwk[]): { mcp: string; nextcloud: string; all: string[] } {
  const hasEc = keys.some((k) => k.kty === "EC" && (k as { crv?: string }).crv === "P-256");
  const hasRsa = keys.some((k) => k.kty === "RSA");
  if (!hasEc && !hasRsa) throw new SigningKeyError("the signing key set needs an EC P-256 or an RSA key");
  const mcp = hasEc ? "ES256" : "RS256";
  const nextcloud = hasRsa ? "RS256" : "ES256";
  return { mcp, nextcloud, all: [...new Set([mcp, nextcloud])] };
}

export async function loadCookieKeys(): Promise<string[]> {
  const fromEnv = getConfig().OIDC_COOKIE_KEYS;
  if (fromEnv && fromEnv.length > 0) return fromEnv;
  const json = await getOrCreateSealedSetting(COOKIE_KEYS_SETTING, () => JSON.stringify([randomBytes(32).toString("base64url")]));
  const keys = z.array(z.string().min(16)).min(1).safeParse(JSON.parse(json));
  if (!keys.success) throw new SigningKeyError("the stored cookie keys are damaged");
  return keys.data;
}

// ── Rotation (scripts/keys-rotate-signing.ts) ───────────────────────────────

async function storedKeys(): Promise<PrivateJwk[]> {
  if (getConfig().OIDC_SIGNING_KEYS) {
    throw new SigningKeyError("OIDC_SIGNING_KEYS is set: rotate by editing that variable (put the new key first, keep the old one until its tokens expired).");
  }
  const json = (await readSealedSetting(SIGNING_KEYS_SETTING)) ?? JSON.stringify({ keys: generateSigningKeys() });
  return parseJwks(json, "The stored signing key set");
}

/** Puts a new ES256 + RS256 pair first (they sign from the next start); the old keys stay published. */
export async function rotateSigningKeys(): Promise<{ added: string[]; kept: string[] }> {
  const old = await storedKeys();
  const fresh = generateSigningKeys();
  await writeSealedSetting(SIGNING_KEYS_SETTING, JSON.stringify({ keys: [...fresh, ...old] }));
  return { added: fresh.map((k) => k.kid), kept: old.map((k) => k.kid) };
}

/** Removes an old key from the JWKS; the key currently signing for its type cannot be retired. */
export async function retireSigningKey(kid: string): Promise<{ remaining: string[] }> {
  const keys = await storedKeys();
  const target = keys.find((k) => k.kid === kid);
  if (!target) throw new SigningKeyError(`no signing key has the id ${kid} (known: ${keys.map((k) => k.kid).join(", ")})`);
  const current = keys.find((k) => k.kty === target.kty);
  if (current === target) throw new SigningKeyError(`${kid} is the key currently signing ${target.kty} tokens; rotate first, then retire it`);
  const remaining = keys.filter((k) => k !== target);
  await writeSealedSetting(SIGNING_KEYS_SETTING, JSON.stringify({ keys: remaining }));
  return { remaining: remaining.map((k) => k.kid) };
}

export async function listSigningKeys(): Promise<{ kid: string; kty: string; alg?: string; signing: boolean }[]> {
  const keys = await storedKeys();
  return keys.map((k) => ({ kid: k.kid, kty: k.kty, alg: k.alg, signing: keys.find((x) => x.kty === k.kty) === k }));
}
