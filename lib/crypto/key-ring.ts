/**
 * The AES-256 key ring for secrets at rest (refresh tokens, PKCE verifiers,
 * generated IdP keys). TOKEN_ENCRYPTION_KEYS holds one or more `id:base64`
 * keys: the first encrypts, all decrypt, so a key can be rotated in by
 * putting it first and re-encrypting (npm run keys:rotate).
 *
 * Embedded default (no keys configured, never in production: lib/config
 * refuses): one key generated into DATA_DIR/encryption.key, with a warning.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { processWide } from "@/lib/process-wide";

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** The key new secrets are encrypted with. */
  current: EncryptionKey;
  byId: ReadonlyMap<string, EncryptionKey>;
}

export function keyRingFrom(keys: readonly EncryptionKey[]): KeyRing {
  if (keys.length === 0) throw new Error("a key ring needs at least one key");
  return { current: keys[0]!, byId: new Map(keys.map((k) => [k.id, k])) };
}

/** Where development keeps the key it generated (`npm run keys:show-generated` prints it for production). */
export function generatedKeyFile(dataDir: string): string {
  return path.resolve(dataDir, "encryption.key");
}

function generatedKeys(dataDir: string): EncryptionKey[] {
  const file = generatedKeyFile(dataDir);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const id = `local-${randomBytes(3).toString("hex")}`;
    writeFileSync(file, `${id}:${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    log.warn(`generated an encryption key in ${file}; set TOKEN_ENCRYPTION_KEYS for anything beyond local use (production requires it)`);
  }
  chmodSync(file, 0o600);
  return readFileSync(file, "utf8")
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      const [id, b64] = entry.split(":");
      const key = Buffer.from(b64 ?? "", "base64");
      if (!id || key.length !== 32) throw new Error(`${file} is damaged: expected id:base64 with a 32-byte key`);
      return { id, key };
    });
}

export function getKeyRing(): KeyRing {
  return processWide("key-ring", () => {
    const config = getConfig();
    return keyRingFrom(config.TOKEN_ENCRYPTION_KEYS ?? generatedKeys(config.DATA_DIR));
  });
}
