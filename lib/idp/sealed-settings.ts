/**
 * Generated secrets of the built-in IdP (signing keys, cookie keys, the
 * internal client's secret), stored in InstanceSetting sealed with the
 * envelope key ring (lib/crypto/envelope.ts). The setting key doubles as the
 * envelope context, so a ciphertext copied into another setting fails to open.
 */
import { open, seal } from "@/lib/crypto/envelope";
import { db } from "@/lib/db";

interface SealedValue {
  sealed: string;
}

function isSealed(value: unknown): value is SealedValue {
  return typeof value === "object" && value !== null && typeof (value as SealedValue).sealed === "string";
}

export async function readSealedSetting(key: string): Promise<string | undefined> {
  const prisma = await db();
  const row = await prisma.instanceSetting.findUnique({ where: { key } });
  if (!row) return undefined;
  if (!isSealed(row.value)) throw new Error(`instance setting ${key} is not a sealed value`);
  return open(row.value.sealed, key);
}

/**
 * Returns the stored secret, creating it from `generate()` when absent. Two
 * processes starting together (PostgreSQL) race on the primary key: the loser
 * reads the winner's value, so every process ends up with the same secret.
 */
export async function getOrCreateSealedSetting(key: string, generate: () => string | Promise<string>): Promise<string> {
  const existing = await readSealedSetting(key);
  if (existing !== undefined) return existing;
  const { ciphertext } = await seal(await generate(), key);
  const prisma = await db();
  try {
    await prisma.instanceSetting.create({ data: { key, value: { sealed: ciphertext } } });
  } catch (error) {
    // Lost the race (unique violation; adapters do not always map it to
    // P2002): the winner's row is there. Anything else: no row, rethrow.
    const stored = await readSealedSetting(key);
    if (stored === undefined) throw error;
    return stored;
  }
  return (await readSealedSetting(key))!;
}

/** Replaces a sealed setting (key rotation). */
export async function writeSealedSetting(key: string, plaintext: string): Promise<void> {
  const { ciphertext } = await seal(plaintext, key);
  const prisma = await db();
  await prisma.instanceSetting.upsert({ where: { key }, create: { key, value: { sealed: ciphertext } }, update: { value: { sealed: ciphertext } } });
}
