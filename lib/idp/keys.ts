/**
 * Key material of the built-in IdP.
 *
 * Signing keys: OIDC_SIGNING_KEYS (a private JWK Set) when given; otherwise an
 * ES256 key (MCP access tokens, ID tokens) and an RS256 key (Nextcloud tokens:
 * RS256 is what every Nextcloud `user_oidc` version accepts) are generated
 * once and stored sealed in InstanceSetting. oidc-provider signs with the
 * first key of the wanted algorithm; a rotated-in key is published first and
 * signs only after OIDC_KEY_PUBLISH_AHEAD (signing-key-schedule.ts), old keys
 * stay published (tokens they signed keep verifying) until they are retired
 * (rotate-signing-keys.ts, scripts/keys-rotate-signing.ts).
 *
 * Cookie keys: OIDC_COOKIE_KEYS, or one generated and stored sealed.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, type JsonWebKey } from "node:crypto";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { getOrCreateSealedSetting } from "./sealed-settings";
import { arrangeSigningKeys, type Activation } from "./signing-key-schedule";

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
/** The stored set also records when staged keys start signing (signing-key-schedule.ts). */
const storedSet = jwkSet.extend({ activation: z.record(z.string(), z.number()).default({}), published: z.record(z.string(), z.number()).default({}) });

export type PrivateJwk = z.infer<typeof privateJwk> & { kid: string };
export interface SigningKeys {
  /** In signing order (signing-key-schedule.ts arrangeSigningKeys). */
  keys: PrivateJwk[];
  source: "env" | "database";
  /** When a staged key starts signing (ms since the epoch): the key order changes then. */
  nextChangeAt: number | null;
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

export interface StoredKeySet {
  keys: PrivateJwk[];
  /** When each staged key starts signing (ms since the epoch). */
  activation: Activation;
  /** When each rotated-in key was first published (ms since the epoch). */
  published: Activation;
}

/** The stored key set with its activation and publication times. */
export function parseStoredKeySet(json: string): StoredKeySet {
  const keys = parseJwks(json, "The stored signing key set");
  const parsed = storedSet.safeParse(JSON.parse(json));
  return { keys, activation: parsed.success ? parsed.data.activation : {}, published: parsed.success ? parsed.data.published : {} };
}

export function serializeKeySet(set: StoredKeySet): string {
  const known = new Set(set.keys.map((k) => k.kid));
  const only = (times: Activation) => Object.fromEntries(Object.entries(times).filter(([kid]) => known.has(kid)));
  return JSON.stringify({ keys: set.keys, activation: only(set.activation), published: only(set.published) });
}

export async function loadSigningKeys(now = Date.now()): Promise<SigningKeys> {
  const fromEnv = getConfig().OIDC_SIGNING_KEYS;
  if (fromEnv) return { keys: parseJwks(fromEnv, "OIDC_SIGNING_KEYS"), source: "env", nextChangeAt: null };
  const json = await getOrCreateSealedSetting(SIGNING_KEYS_SETTING, () => JSON.stringify({ keys: generateSigningKeys() }));
  const { keys, activation } = parseStoredKeySet(json);
  const arranged = arrangeSigningKeys(keys, activation, now);
  return { keys: arranged.keys, source: "database", nextChangeAt: arranged.nextChangeAt };
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
