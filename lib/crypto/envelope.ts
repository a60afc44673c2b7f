/**
 * Envelope encryption for secrets at rest: compact JWE with `dir` +
 * `A256GCM` (RFC 7516/7518 §4.5, §5.3), the key id in the protected header,
 * and an optional context string bound as the JWE `ctx` header claim so a
 * ciphertext copied into another row (another user, another purpose) fails
 * to decrypt.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";
import { getKeyRing, type KeyRing } from "./key-ring";

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

export interface Sealed {
  /** The compact JWE. */
  ciphertext: string;
  keyId: string;
}

export async function seal(plaintext: string, context: string, ring: KeyRing = getKeyRing()): Promise<Sealed> {
  const { id, key } = ring.current;
  const ciphertext = await new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: id, ctx: context })
    .encrypt(key);
  return { ciphertext, keyId: id };
}

export function keyIdOf(ciphertext: string): string | undefined {
  try {
    const kid = decodeProtectedHeader(ciphertext).kid;
    return typeof kid === "string" ? kid : undefined;
  } catch {
    return undefined;
  }
}

export async function open(ciphertext: string, context: string, ring: KeyRing = getKeyRing()): Promise<string> {
  const kid = keyIdOf(ciphertext);
  const entry = kid ? ring.byId.get(kid) : undefined;
  if (!entry) throw new DecryptionError(`no encryption key with id ${kid ?? "(none)"} is configured`);
  let result;
  try {
    result = await compactDecrypt(ciphertext, entry.key, { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
  } catch {
    throw new DecryptionError("the secret could not be decrypted (wrong key or tampered data)");
  }
  if (result.protectedHeader.ctx !== context) throw new DecryptionError("the secret belongs to another context");
  return new TextDecoder().decode(result.plaintext);
}
